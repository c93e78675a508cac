/**
 * The benchmark's data: a deterministic "enriched profile" CSV (10 columns, about 330 bytes a row).
 * Every row's values depend only on its id and version, so the re-sync file is the base file with
 * exactly 1% of rows changed, 1% removed and 1% added, and every run produces the same bytes.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

/** Bump when the generated content changes, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;

export const HEADER = ['id', 'email', 'first_name', 'last_name', 'country', 'ltv', 'score', 'company', 'updated_at', 'attributes'];

/** The destination columns, declared the way a user would in the manifest. */
export const FIELDS = [
  { name: 'id', type: 'bigint' },
  { name: 'email', type: 'varchar(255)' },
  { name: 'first_name', type: 'varchar(64)' },
  { name: 'last_name', type: 'varchar(64)' },
  { name: 'country', type: 'char(2)' },
  { name: 'ltv', type: 'decimal(12,2)' },
  { name: 'score', type: 'double' },
  { name: 'company', type: 'varchar(128)' },
  { name: 'updated_at', type: 'datetime(3)' },
  { name: 'attributes', type: 'text' },
];

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Dennis', 'Frances', 'John', 'Radia', 'Linus', 'Sophie', 'Tim', 'Leslie', 'Niklaus', 'Shafi', 'Yukihiro', 'Anders', 'José', 'Zoë'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Ritchie', 'Allen', 'McCarthy', 'Perlman', 'Torvalds', 'Wilson', 'Berners-Lee', 'Lamport', 'Wirth', 'Goldwasser', 'Matsumoto', 'Hejlsberg', 'Müller', "O'Brien"];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'NL', 'SE', 'JP', 'BR', 'IN', 'CA', 'AU', 'ES', 'IT', 'PL', 'MX', 'ZA'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Wonka, Inc.', 'Tyrell', 'Cyberdyne Systems'];
const SEGMENTS = ['champion', 'loyal', 'at_risk', 'hibernating', 'new', 'promising', 'need_attention'];
const DEVICES = ['ios', 'android', 'web', 'desktop'];
const CAMPAIGNS = ['spring_sale_2024', 'black_friday', 'welcome_series', 'winback_q3', 'newsletter_weekly', 'loyalty_tier_up'];

/** A small, fast, well-mixed PRNG (mulberry32), seeded per row so any row can be made alone. */
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random, list) => list[Math.floor(random() * list.length)];
const pad = (value, width = 2) => String(value).padStart(width, '0');

/** One CSV field: quoted (with "" doubling) when it needs to be. */
function csvField(value) {
  if (value === null) return '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The row for `id`; `version` > 0 changes its ltv, score, updated_at and attributes. */
export function profileRow(id, version = 0) {
  const random = rng(id * 2654435761 + version * 40503);
  const stable = rng(id * 2246822519 + 7); // parts that never change between versions
  const first = pick(stable, FIRST);
  const last = pick(stable, LAST);
  const email = `${first}.${last}.${id}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
  const country = pick(stable, COUNTRIES);
  const company = stable() < 0.2 ? null : pick(stable, COMPANIES);
  const ltv = (random() * 5000).toFixed(2);
  const score = String(Math.round(random() * 1e9) / 1e9);
  const base = Date.UTC(2023, 0, 1) + Math.floor(random() * 500 * 86_400_000);
  const date = new Date(base);
  const updated = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  const attributes = JSON.stringify({
    segment: pick(random, SEGMENTS),
    device: pick(random, DEVICES),
    last_campaign: pick(random, CAMPAIGNS),
    visits_90d: Math.floor(random() * 400),
    orders: Math.floor(random() * 60),
    consent: { email: random() < 0.7, sms: random() < 0.3 },
    tags: [pick(random, SEGMENTS), pick(random, DEVICES)],
    utm: `src_${Math.floor(random() * 1e6).toString(36)}`,
  });
  return [String(id), email, first, last, country, ltv, score, company, updated, attributes];
}

export function csvLine(row) {
  return row.map(csvField).join(',') + '\n';
}

/**
 * Ids of the base file are 1..rows. The re-sync file drops ids ≡ 0 (mod 100), changes ids ≡ 1
 * (mod 100), and adds rows+1 … rows+rows/100 at the end: 1% / 1% / 1%.
 */
export function resyncCounts(rows) {
  const removed = Math.floor(rows / 100);
  const changed = Math.floor((rows + 99) / 100);
  return { removed, changed, added: Math.floor(rows / 100) };
}

async function writeCsv(path, rows, variant) {
  const temporary = `${path}.partial`;
  const out = createWriteStream(temporary, { highWaterMark: 1 << 20 });
  let buffer = HEADER.join(',') + '\n';
  const emit = async (line) => {
    buffer += line;
    if (buffer.length >= 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  for (let id = 1; id <= rows; id += 1) {
    if (variant === 'resync' && id % 100 === 0) continue;
    await emit(csvLine(profileRow(id, variant === 'resync' && id % 100 === 1 ? 1 : 0)));
  }
  if (variant === 'resync') {
    for (let id = rows + 1; id <= rows + Math.floor(rows / 100); id += 1) await emit(csvLine(profileRow(id)));
  }
  out.end(buffer);
  await once(out, 'finish');
  renameSync(temporary, path);
}

/** Writes (or reuses) base.csv and resync.csv for `rows` rows in `dir`. */
export async function ensureDataset(dir, rows) {
  const where = join(dir, `v${GENERATOR_VERSION}-${rows}`);
  mkdirSync(where, { recursive: true });
  const base = join(where, 'base.csv');
  const resync = join(where, 'resync.csv');
  if (!existsSync(base)) await writeCsv(base, rows, 'base');
  if (!existsSync(resync)) await writeCsv(resync, rows, 'resync');
  return { dir: where, base, resync };
}
