/**
 * What the front advertises. Everything a backend may bring is declared up front, each with
 * listChanged, so a backend that arrives late needs no renegotiation with clients already connected.
 */
import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/server';
import { VERSION } from '../version.js';

export const SERVER_INFO: Implementation = { name: 'mcp-switchboard', title: 'MCP Switchboard', version: VERSION };

export const FRONT_CAPABILITIES: ServerCapabilities = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  completions: {},
  logging: {},
  // Task-augmented tools/call routes to the backend that supports it; tasks/* follow the task id.
  tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
};
