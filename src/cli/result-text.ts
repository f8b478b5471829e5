/**
 * A tool result as text for a terminal: text content as it is, everything else summarised in one
 * line (what it is and how big, or where it lives), so binary data never floods the screen.
 * `--json` prints the result itself instead.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';

type Block = CallToolResult['content'][number];

export function resultText(result: CallToolResult): string {
  const blocks = result.content ?? [];
  const lines = blocks.map(blockText);
  // A tool that answers only with structured content still has something to show.
  if (blocks.length === 0 && result.structuredContent !== undefined) lines.push(JSON.stringify(result.structuredContent, null, 2));
  return lines.length ? lines.join('\n') + '\n' : '';
}

function blockText(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case 'resource_link':
      return `[resource_link ${block.uri}${block.mimeType ? ` ${block.mimeType}` : ''}]`;
    case 'resource': {
      const r = block.resource;
      const size = 'text' in r && typeof r.text === 'string' ? `${r.text.length} characters` : 'blob' in r && typeof r.blob === 'string' ? `${base64Bytes(r.blob)} bytes` : '';
      return `[resource ${r.uri}${r.mimeType ? ` ${r.mimeType}` : ''}${size ? `, ${size}` : ''}]`;
    }
    default:
      return `[${(block as { type?: string }).type ?? 'unknown'} content]`;
  }
}

/** Decoded size of base64 data, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}
