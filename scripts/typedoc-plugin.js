/**
 * A TypeDoc plugin (typedoc.json `plugin`, also loaded by bin/check.js) with the documentation rules of
 * issue 16 that TypeDoc's own validation does not have:
 *
 * - every optional property of an exported `...Props` interface has `@default`: a literal
 *   (`@default 60`, `@default 'primary'`) or a dash and what happens (`@default - no connector`);
 *   never `@default undefined`;
 * - every construct class (one that extends `Construct` from `constructs`, stacks included, since
 *   `TerraformStack` is a construct) has an `@example`.
 *
 * It also narrows TypeDoc's `notDocumented` check: the members of anonymous object types (type
 * literals) need no comment of their own. Those are the deployment file's shapes inferred from the zod
 * schema (`Deployment`, `DeploymentSchema`, ...), whose fields are described by `.describe()` in
 * lib/config/schema.ts and in deployment.schema.json, and inline object types, which are documented
 * where they are used. Named declarations (interfaces, classes, their members, functions, variables,
 * type aliases) still need their comment.
 */
'use strict';
const { Application, Converter, ReflectionKind, ReferenceType, DeclarationReflection } = require('typedoc');

/** The rule for a `@default` text: a literal or `- what happens`, not empty, never `undefined`. */
function defaultProblem(text) {
  const value = text.replace(/^```\w*\n?|\n?```$/g, '').trim();
  if (!value) return 'has an empty @default';
  if (value === 'undefined') return 'has `@default undefined`; say what happens instead (`@default - ...`)';
  if (value.startsWith('-') && !/^- \S/.test(value)) return 'has a @default dash without saying what happens (`@default - ...`)';
  return undefined;
}

/** Where a reflection is declared, as `path:line` (relative to the project), for messages. */
function where(reflection) {
  const source = reflection.sources?.[0];
  return source ? `${source.fileName}:${source.line}` : reflection.getFriendlyFullName();
}

/**
 * Whether a class extends `Construct` (from `constructs`), directly, through `TerraformStack` (cdktf),
 * or through another class of the project.
 * @param {DeclarationReflection} reflection
 * @param {Set<DeclarationReflection>} [seen]
 * @returns {boolean}
 */
function isConstruct(reflection, seen = new Set()) {
  if (seen.has(reflection)) return false;
  seen.add(reflection);
  for (const base of reflection.extendedTypes ?? []) {
    if (!(base instanceof ReferenceType)) continue;
    if (base.package === 'constructs' && base.name === 'Construct') return true;
    if (base.package === 'cdktf' && base.name === 'TerraformStack') return true;
    const target = base.reflection;
    if (target instanceof DeclarationReflection && isConstruct(target, seen)) return true;
  }
  return false;
}

/**
 * The `@default` and `@example` rules, as validation warnings.
 * @param {import('typedoc').ProjectReflection} project
 * @param {import('typedoc').Logger} logger
 */
function validateGatehouseDocs(project, logger) {
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Interface)) {
    if (!(reflection instanceof DeclarationReflection) || !reflection.name.endsWith('Props')) continue;
    for (const prop of reflection.children ?? []) {
      if (!prop.flags.isOptional || prop.inheritedFrom) continue;
      const tag = prop.comment?.getTag('@default') ?? prop.comment?.getTag('@defaultValue');
      const problem = tag
        ? defaultProblem(tag.content.map((part) => part.text).join(''))
        : 'has no @default (a literal, or `@default - what happens`)';
      if (problem) logger.validationWarning(`${where(prop)} ${reflection.name}.${prop.name}: optional prop ${problem}`);
    }
  }
  for (const reflection of project.getReflectionsByKind(ReflectionKind.Class)) {
    if (!(reflection instanceof DeclarationReflection) || !isConstruct(reflection)) continue;
    if (!reflection.comment?.getTag('@example')) {
      logger.validationWarning(`${where(reflection)} ${reflection.name}: a construct or stack class needs an @example`);
    }
  }
}

/**
 * The plugin's entry point.
 * @param {Application} app
 */
function load(app) {
  /** @type {string[] | undefined} */
  let declared;
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    declared ??= app.options.getValue('intentionallyNotDocumented');
    // only what TypeDoc's notDocumented check looks at: the required kinds, outside parameters
    const required = app.options.getValue('requiredToBeDocumented').map((kind) => ReflectionKind[kind]);
    const literalMembers = [];
    for (const reflection of Object.values(context.project.reflections)) {
      if (reflection.hasComment() || !reflection.kindOf(required)) continue;
      let inLiteral = false;
      let inParameter = false;
      for (let up = reflection.parent; up; up = up.parent) {
        inLiteral ||= up.kindOf(ReflectionKind.TypeLiteral);
        inParameter ||= up.kindOf(ReflectionKind.Parameter);
      }
      if (inLiteral && !inParameter) literalMembers.push(reflection.getFriendlyFullName());
    }
    app.options.setValue('intentionallyNotDocumented', [...declared, ...new Set(literalMembers)]);
  });
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    if (app.options.getValue('validation').notDocumented) validateGatehouseDocs(project, app.logger);
  });
}

module.exports = { load, defaultProblem };
