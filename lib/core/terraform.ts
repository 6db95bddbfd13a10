/**
 * Terraform reads every string in JSON configuration as a template: `${...}` interpolates and
 * `%{...}` is a directive. Literal text that contains them (shell scripts in user-data) must be
 * escaped as `$${` and `%%{`. cdktf token placeholders (`${TfToken[...]}`) are left alone so that they
 * still resolve to references.
 */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * A Terraform output id from its parts: `outputId('bucket', 'example-backups', 'name')` is
 * `bucket_example_backups_name`. Hyphens become underscores, so an output reads as a shell-friendly
 * name (`terraform output bucket_example_backups_name`). Output ids are public: renaming one breaks
 * the scripts that read it.
 */
export function outputId(...parts: readonly string[]): string {
  return parts.join('_').replace(/-/g, '_');
}

/** One block of a synthesized stack (a resource, data source, variable or output): its attributes, unchecked. */
export type TerraformAttributes = Readonly<Record<string, unknown>>;

/**
 * A synthesized stack's `cdk.tf.json` as gatehouse reads it back: resources and data sources by type,
 * then by name; variables and outputs by name. Attribute values are `unknown` until a reader checks them.
 */
export interface SynthesizedStackJson {
  /** `resource.<type>.<name>`. */
  readonly resource?: Readonly<Record<string, Readonly<Record<string, TerraformAttributes>>>>;
  /** `data.<type>.<name>`. */
  readonly data?: Readonly<Record<string, Readonly<Record<string, TerraformAttributes>>>>;
  /** `variable.<name>`. */
  readonly variable?: Readonly<Record<string, TerraformAttributes>>;
  /** `output.<name>`. */
  readonly output?: Readonly<Record<string, TerraformAttributes>>;
  /** `provider.<name>`: the provider's configurations. */
  readonly provider?: Readonly<Record<string, unknown>>;
  /** `terraform`: the backend (`terraform.backend.<type>`) and the required providers, among others. */
  readonly terraform?: { readonly backend?: Readonly<Record<string, TerraformAttributes>>; readonly [setting: string]: unknown };
  /** cdktf's `//` metadata, and any other block. */
  readonly [block: string]: unknown;
}
