/**
 * The readable text of a MIME message body (RFC 2045–2046), so that a text model sees words and not
 * transfer encodings: base64 and quoted-printable parts are decoded, multipart bodies are split on
 * their boundary (multipart/alternative keeps its text/plain part), part headers and MIME boundary
 * lines are dropped, and non-text parts (images, attachments) are left out.
 */
export function mimeBodyText(headers: string, body: string): string {
  return entityText(parseHeaders(headers), body, 0).trim();
}

const MAX_DEPTH = 8;

function entityText(headers: ReadonlyMap<string, string>, body: string, depth: number): string {
  const contentType = headers.get('content-type') ?? 'text/plain';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = parameter(contentType, 'boundary');
    if (boundary === undefined) return decode(body, headers);
    const parts = splitParts(body, boundary).map((part) => {
      const { headers: partHeaders, body: partBody } = splitEntity(part);
      return { type: (partHeaders.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase(), text: entityText(partHeaders, partBody, depth + 1) };
    });
    const texts = parts.filter((p) => p.text.trim() !== '');
    if (type === 'multipart/alternative') return (texts.find((p) => p.type === 'text/plain') ?? texts[0])?.text ?? '';
    return texts.map((p) => p.text).join('\n');
  }
  if (type === 'message/rfc822' && depth < MAX_DEPTH) {
    const inner = splitEntity(body);
    return entityText(inner.headers, inner.body, depth + 1);
  }
  return type.startsWith('text/') || type.startsWith('multipart/') ? decode(body, headers) : '';
}

/** The parts between `--boundary` lines; the preamble and the epilogue after `--boundary--` are dropped. */
function splitParts(body: string, boundary: string): string[] {
  const lines = body.split(/\r?\n/);
  const parts: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current) parts.push(current);
      current = undefined;
      break;
    }
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current);
      current = [];
    } else if (current) current.push(line);
  }
  if (current) parts.push(current);
  return parts.map((p) => p.join('\n'));
}

/** Headers (unfolded, names lower-cased) and body of one entity: they are separated by the first blank line. */
function splitEntity(text: string): { headers: Map<string, string>; body: string } {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { headers: parseHeaders(text), body: '' };
  return { headers: parseHeaders(text.slice(0, match.index)), body: text.slice(match.index + match[0].length) };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A parameter of a header value: `boundary` of `multipart/mixed; boundary="abc"`. */
function parameter(value: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return match ? (match[1] ?? match[2]) : undefined;
}

function decode(body: string, headers: ReadonlyMap<string, string>): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  const charset = (parameter(headers.get('content-type') ?? '', 'charset') ?? '').toLowerCase();
  const text = /^utf-?8$/.test(charset) ? 'utf8' : 'latin1';
  if (encoding === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString(text);
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString(text);
  }
  return body;
}
