import mysql from 'mysql2/promise';
import { ServerCollations } from '/work/main/dist/introspect/collation-probe.js';
const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', rowsAsArray: true, charset: 'utf8mb4' });
const db = { query: async (sql, params) => { const [rows] = await conn.query({ sql, values: params, rowsAsArray: true }); return rows.map((r) => r.map((v) => v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))); }, execute: async () => 0, close: async () => {} };
const corpus = ['abc','ABC','Abc ','abc  ','a','A','á','Á','ä','Å','Asa','Åsa','åsa','ss','ß','SS','e\u0301','é','ﬁ','fi','Ａ','a😀','a🙂','a\0','a \0','a\t',' a','ı','i','İ','σ','ς','ch','c','h','cz','aa','å','ll','l','ø','o','œ','oe','æ','ae','ŋ','n','ñ','€','$','',' ','  ','Ch','CH','dz','dž','lj','Lj','ij','ÿ','y','ü','ue','u','a ', 'x\u200b', 'x \u200b', 'ǆ', 'Ǆ'];
await conn.query('CREATE DATABASE IF NOT EXISTS probe_coll'); await conn.query('USE probe_coll');
await conn.query('DROP TABLE IF EXISTS corpus'); await conn.query('CREATE TABLE corpus (i INT PRIMARY KEY, s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)');
await conn.query('INSERT INTO corpus VALUES ?', [corpus.map((s, i) => [i, s])]);
const [colls] = await conn.query({ sql: "SELECT FULL_COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY ORDER BY 1", rowsAsArray: true });
const server = new ServerCollations(db);
let bad = 0; const unsup = []; const failing = [];
const only = process.argv[2];
for (const [coll, cs] of colls) {
  if (only && coll !== only) continue;
  const [ok] = await conn.query({ sql: `SELECT i FROM corpus WHERE CONVERT(CONVERT(s USING ${cs}) USING utf8mb4) = s`, rowsAsArray: true });
  const ids = new Set(ok.map((r) => r[0]));
  const texts = corpus.filter((_, i) => ids.has(i));
  const [pairs] = await conn.query({ sql: `SELECT a.i, b.i FROM corpus a JOIN corpus b ON a.i < b.i WHERE CONVERT(a.s USING ${cs}) COLLATE \`${coll}\` = CONVERT(b.s USING ${cs}) AND a.i IN (${[...ids].join(',') || -1}) AND b.i IN (${[...ids].join(',') || -1})`, rowsAsArray: true });
  const equal = new Set(pairs.map((p) => `${p[0]},${p[1]}`));
  const rule0 = await server.rule(coll); if (rule0.kind === 'unsupported') { unsup.push(coll + ': ' + rule0.reason); continue; }
  const reader = server.reader();
  await reader.prepare(new Map([[coll, texts]]));
  const key = new Map(texts.map((t) => [t, reader.key(t, coll)]));
  const rule = await server.rule(coll);
  let wrong = [];
  for (const i of ids) for (const j of ids) { if (i >= j) continue; const se = equal.has(`${i},${j}`); const pe = key.get(corpus[i]) === key.get(corpus[j]); if (se !== pe) wrong.push(`${JSON.stringify(corpus[i])}${se ? '=' : '≠'}${JSON.stringify(corpus[j])}`); }
  if (wrong.length) { bad++; failing.push(`${coll} [${rule.kind}${'ascii' in rule && rule.ascii ? ' ascii' : ''} pad=${rule.padSpace}]: ${wrong.slice(0, 6).join(' ')}`); }
}
console.log(`collations: ${colls.length}, failing: ${bad}`); console.log(failing.join('\n'));
const stats = { text: 0, ascii: 0, server: 0 };
for (const [coll] of colls) { const r = await server.rule(coll); if (r.kind === 'text') stats.text++; else if (r.kind === 'unsupported') stats.unsupported = (stats.unsupported ?? 0) + 1; else if (r.ascii) stats.ascii++; else stats.server++; }
console.log(stats); console.log('unsupported', unsup.length); console.log(unsup.join('\n'));
await conn.end();
