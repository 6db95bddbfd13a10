import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { escapeTemplate, outputId } from '../../../lib/core/terraform';
import { evaluate } from '../../../lib/cutover/evaluate';

describe('escapeTemplate', () => {
  test('escapes interpolation and directive openers so terraform keeps them literal', () => {
    // GIVEN shell text with expansions and a curl format
    const text = 'a=${HOME:-/root} b=%{http_code} c=$$ d=%%';
    // WHEN escaped THEN terraform evaluates it back to exactly the text
    expect(escapeTemplate(text)).toBe('a=$${HOME:-/root} b=%%{http_code} c=$$ d=%%');
    expect(evaluate({ expressions: { v: escapeTemplate(text) }, variables: {} }).v).toBe(text);
  });

  test('leaves cdktf token placeholders alone, so references still resolve', () => {
    // GIVEN text that embeds a reference (a token) next to a literal shell expansion
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const project = new TerraformVariable(scope, 'project', { type: 'string' });
        new TerraformOutput(scope, 'o', { value: escapeTemplate(`project=${project.stringValue} x=\${X}`) });
      }),
    );
    // THEN the reference stays an interpolation and the literal is escaped
    expect(json.output.o.value).toBe('project=${var.project} x=$${X}');
  });
});

describe('outputId', () => {
  test('joins the parts with underscores and turns hyphens into underscores', () => {
    expect(outputId('bucket', 'example-backups', 'restic', 'access_key_id')).toBe('bucket_example_backups_restic_access_key_id');
    expect(outputId('api_token', 'dns-admin')).toBe('api_token_dns_admin');
    expect(outputId('tenant', 'acme-123', 'enabled')).toBe('tenant_acme_123_enabled');
  });
});
