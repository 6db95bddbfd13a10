/**
 * Looking up a name the deployment file declares. The file's sections (`apps`, `access_policies`,
 * `identity_providers`, ...) are plain objects keyed by name, and a reference is any string the file
 * writes, so `name in section` and `section[name]` would also find what every object inherits
 * (`constructor`, `toString`, `hasOwnProperty`): a reference to `constructor` would pass as declared.
 * Every lookup of a referenced name goes through `declared`, which sees own keys only.
 */

/** The entry a section declares under `name`, or undefined when the file declares none (inherited keys are not declarations). */
export function declared<T>(section: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(section, name) ? section[name] : undefined;
}
