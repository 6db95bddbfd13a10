// The portal API (example placeholder): Access has already authenticated the caller; the Worker
// also checks the Access JWT audience it was given (ACCESS_AUD) before touching the database.
export default {
  async fetch(request, env) {
    const jwt = request.headers.get('Cf-Access-Jwt-Assertion');
    if (!jwt) return new Response('forbidden', { status: 403 });
    const [, payload] = jwt.split('.');
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(env.ACCESS_AUD)) return new Response('forbidden', { status: 403 });
    const row = await env.DB.prepare('select 1 as ok').first();
    return Response.json({ ok: row?.ok === 1, issuer: env.ACCESS_TEAM_DOMAIN });
  },
};
