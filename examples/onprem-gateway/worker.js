// The MCP endpoint: agents reach the on-prem AI tools through this Worker (example placeholder).
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') {
      const row = await env.DB.prepare('select 1 as ok').first();
      return Response.json({ ok: row?.ok === 1 });
    }
    return new Response('not found', { status: 404 });
  },
};
