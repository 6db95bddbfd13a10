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
