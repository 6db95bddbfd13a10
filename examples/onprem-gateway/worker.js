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
  // The nightly data update (cron "0 3 * * *"): pull from the source system, refresh D1, keep a report in R2.
  async scheduled(controller, env, ctx) {
    const res = await fetch('https://erp.example.com/export', { headers: { authorization: `Bearer ${env.SOURCE_API_TOKEN}` } });
    const rows = await res.json();
    await env.DB.prepare('insert into refreshes (at, rows) values (?, ?)').bind(controller.scheduledTime, rows.length).run();
    ctx.waitUntil(env.REPORTS.put(`refresh/${controller.scheduledTime}.json`, JSON.stringify({ rows: rows.length })));
  },
};
