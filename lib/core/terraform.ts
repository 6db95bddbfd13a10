/**
 * Terraform reads every string in JSON configuration as a template: `${...}` interpolates and
 * `%{...}` is a directive. Literal text that contains them (shell scripts in user-data) must be
 * escaped as `$${` and `%%{`. cdktf token placeholders (`${TfToken[...]}`) are left alone so that they
 * still resolve to references.
 */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}
