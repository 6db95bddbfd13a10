// Parses Mermaid sources with Mermaid's own parser (the flowchart grammar and its database, as the
// renderer uses them) and prints what it read as JSON: for each source, the vertices, edges and
// subgraphs, or the parser's error. stdin: a JSON array of sources.
//
// Node has no DOM, and mermaid sanitizes label HTML with DOMPurify, which needs one. Parsing does not
// depend on it, so DOMPurify's hooks are made inert here and sanitize() returns the text unchanged
// (the same module instance mermaid imports). Nothing else is replaced.
import DOMPurify from 'dompurify';

Object.assign(DOMPurify, { addHook() {}, removeHook() {}, removeHooks() {}, removeAllHooks() {}, sanitize: (s) => String(s) });
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
    const { db } = diagram;
    const vertices = db.getVertices();
    results.push({
      ok: true,
      type: diagram.type,
      vertices: [...(vertices instanceof Map ? vertices.values() : Object.values(vertices))].map((v) => ({ id: v.id, text: v.text, classes: v.classes })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, stroke: e.stroke, text: e.text })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: s.nodes, classes: s.classes })),
    });
  } catch (error) {
    results.push({ ok: false, error: String(error?.message ?? error).split('\n').slice(0, 4).join('\n') });
  }
}
process.stdout.write(JSON.stringify(results));
