/**
 * The provider attributes that force replacement, for the replacement-safety tests: nothing that a
 * routine change (a cutover input, a token rotation) changes may be one of these. From the provider
 * 5.14 / google 6.50 schemas (RequiresReplace / ForceNew): cloudflare_dns_record
 * (internal/services/dns_record/schema.go), the tunnel and tunnel config schemas, and the google
 * provider's resource definitions.
 */
export const FORCES_REPLACEMENT: Readonly<Record<string, readonly string[]>> = {
  cloudflare_dns_record: ['zone_id', 'type'],
  cloudflare_zero_trust_tunnel_cloudflared: ['account_id', 'config_src'],
  cloudflare_zero_trust_tunnel_cloudflared_config: ['account_id', 'tunnel_id'],
  google_compute_instance: ['name', 'zone', 'project', 'boot_disk', 'metadata_startup_script', 'network_interface'],
  google_compute_firewall: ['name', 'project', 'direction'],
  google_secret_manager_secret: ['secret_id', 'project', 'replication'],
  google_secret_manager_secret_version: ['secret', 'secret_data'],
  google_service_account: ['account_id', 'project'],
};
