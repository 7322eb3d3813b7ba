/**
 * The documentation text AWS ships in each SDK client (`dist-types/commands/<Op>Command.d.ts`
 * and `dist-types/models/*.d.ts`), as plain sentences: the source the simulator's behaviour is
 * derived from. A contract test quotes the sentence it enforces with `documented(…)`, which
 * fails the test file when the quote is not in the installed client's documentation (a typo, a
 * paraphrase, or a client upgrade that changed the text), so a quote cannot drift from its source.
 * docs/simulator-fidelity.md is generated from these calls (scripts/simulator-fidelity.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The SDK clients whose operations the simulator serves, by the part after `@aws-sdk/client-`. */
export const SIMULATED_CLIENTS = ['secrets-manager', 'iam', 'cloudfront', 'api-gateway', 'lightsail', 'sts', 'sfn', 'eventbridge'] as const;
export type SimulatedClient = (typeof SIMULATED_CLIENTS)[number];

export interface DocumentedRule {
  client: SimulatedClient;
  operation: string;
  sentence: string;
  /** The .d.ts file (relative to the client's package) whose documentation holds the sentence, and in a model file the shape or member it documents. */
  source: string;
  /** "<operation> · <sentence>", for a test title. */
  title: string;
}

const require = createRequire(import.meta.url);
const cache = new Map<string, DocComment[]>();

/** One documentation comment: its file, what it documents (an operation, `Shape.member`, an error class), its plain text. */
interface DocComment {
  file: string;
  subject: string;
  text: string;
}

/** Every documentation comment of one client, as normalised plain text. */
export function documentationOf(client: SimulatedClient): DocComment[] {
  const cached = cache.get(client);
  if (cached) return cached;
  const root = dirname(require.resolve(`@aws-sdk/client-${client}/package.json`));
  const comments: DocComment[] = [];
  for (const dir of ['dist-types/commands', 'dist-types/models']) {
    for (const name of readdirSync(join(root, dir)).filter((f) => f.endsWith('.d.ts')).sort()) {
      const source = readFileSync(join(root, dir, name), 'utf8');
      let shape = '';
      for (const m of source.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(?:export (?:declare )?(?:interface|class|const|type) (\w+)|(?:readonly )?(\w+)\??:)?/g)) {
        if (m[2]) shape = m[2];
        const subject = m[2] ?? (m[3] ? `${shape}.${m[3]}` : shape);
        comments.push({ file: `${dir}/${name}`, subject, text: plainText(m[1]!.replace(/^\s*\* ?/gm, ' ')) });
      }
    }
  }
  cache.set(client, comments);
  return comments;
}

/** HTML to text: tags dropped, entities decoded, whitespace collapsed. */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:)])/g, '$1')
    .trim();
}

/**
 * The rule a contract test enforces, quoted from `operation`'s documentation: its command file
 * first, then the models (request and response members, errors). Throws when the sentence is not
 * there, naming the client and the operation.
 */
export function documented(client: SimulatedClient, operation: string, sentence: string): DocumentedRule {
  const wanted = plainText(sentence);
  const comments = documentationOf(client);
  const commandFile = `dist-types/commands/${operation}Command.d.ts`;
  if (!comments.some((c) => c.file === commandFile)) throw new Error(`@aws-sdk/client-${client} has no operation ${operation}`);
  const holder =
    comments.find((c) => c.file === commandFile && c.text.includes(wanted)) ??
    // The operation's own shapes first (its request and response members), then any model (errors, shared shapes).
    comments.find((c) => c.file.startsWith('dist-types/models/') && c.subject.startsWith(operation) && c.text.includes(wanted)) ??
    comments.find((c) => c.file.startsWith('dist-types/models/') && c.text.includes(wanted));
  if (!holder) throw new Error(`@aws-sdk/client-${client} does not document for ${operation}: "${sentence}"`);
  const source = holder.file === commandFile ? holder.file : `${holder.file} (${holder.subject})`;
  return { client, operation, sentence: wanted, source, title: `${operation} · ${wanted}` };
}
