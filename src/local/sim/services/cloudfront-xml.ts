/**
 * CloudFront's restXml wire format (API 2020-05-31): request bodies parsed and responses built
 * with fast-xml-parser, element names as the SDK's schema expects them (aws-facts.md).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { AwsError } from '../protocol';

export const CLOUDFRONT_XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Values stay strings: a Name of "123" or a Comment of "true" must not turn into a number.
  parseTagValue: false,
  // The SDK writes newlines (a PEM's) as character references (&#xA;): decode them. This also
  // decodes HTML's named entities, which XML does not define; parseRoot refuses those first.
  htmlEntities: true,
  // Keep a Comment's own spaces; whitespace between elements lands in '#text', which is ignored.
  trimValues: false,
  isArray: (_name, jpath) => jpath === 'KeyGroupConfig.Items.PublicKey',
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  format: false,
});

type XmlNode = Record<string, unknown>;

/** Parses a request body whose root element must be `root`; anything else is MalformedXML. */
export function parseRoot(body: Buffer, root: string): XmlNode {
  const text = body.toString('utf8');
  if (text.trim() === '') throw malformed(`The request body must be a ${root} XML document.`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(`The XML you provided was not well-formed: ${valid.err.msg}`);
  const undefinedEntity = /&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][\w.-]*);/.exec(text);
  if (undefinedEntity) throw malformed(`The XML you provided was not well-formed: undefined entity &${undefinedEntity[1]};`);
  const doc = parser.parse(text) as XmlNode;
  const roots = Object.keys(doc).filter((k) => k !== '?xml' && k !== '#text');
  const node = doc[root];
  if (roots.length !== 1 || roots[0] !== root) throw malformed(`The root element must be ${root}.`);
  // `<KeyGroupConfig/>` parses to an empty string: an element with no children.
  return isNode(node) ? node : {};
}

/** A child element's text; undefined when absent. An element with children where text belongs is malformed. */
export function text(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw malformed(`${name} may appear only once.`);
  if (typeof value === 'string') return value;
  if (isNode(value)) {
    const keys = Object.keys(value).filter((k) => k !== '#text');
    if (keys.length === 0) return typeof value['#text'] === 'string' ? value['#text'] : '';
  }
  throw malformed(`${name} must be a text element.`);
}

/** The text of every `<item>` under `<list>`; undefined when `<list>` is absent. */
export function textList(node: XmlNode, list: string, item: string): string[] | undefined {
  const value = node[list];
  if (value === undefined) return undefined;
  if (value === '' || (typeof value === 'string' && value.trim() === '')) return [];
  if (!isNode(value)) throw malformed(`${list} must contain ${item} elements.`);
  const unexpected = Object.keys(value).filter((k) => k !== item && k !== '#text');
  if (unexpected.length > 0) throw malformed(`${list} may contain only ${item} elements, not ${unexpected.join(', ')}.`);
  const items = value[item];
  if (items === undefined) return [];
  const array = Array.isArray(items) ? items : [items];
  return array.map((v) => {
    if (typeof v !== 'string') throw malformed(`${item} must be a text element.`);
    return v;
  });
}

/** A whole response document with the XML declaration and CloudFront's namespace on the root. */
export function document(root: string, content: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: { '@_xmlns': CLOUDFRONT_XMLNS, ...content } }) as string}`;
}

export function errorDocument(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${
    builder.build({
      ErrorResponse: {
        '@_xmlns': CLOUDFRONT_XMLNS,
        Error: { Type: type, Code: code, Message: message },
        RequestId: requestId,
      },
    }) as string
  }`;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// CloudFront's code for a body that is not the expected XML is unconfirmed: MalformedXML (400),
// the code S3 and CloudFront's own docs use for unparseable input; the SDK throws it by name.
function malformed(message: string): AwsError {
  return new AwsError('MalformedXML', 400, message);
}
