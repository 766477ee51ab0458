import { request as http1Request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect as http2Connect } from 'node:http2';

export interface PlainResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP/1.1 request with exactly the given headers (fetch would add and forbid some); no keep-alive unless an agent is given. */
export function http1(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  agent: Agent | false = false,
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http1Request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One GET over HTTP/2 cleartext, on a connection of its own. */
export function http2Get(port: number, path: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'GET', ':path': path });
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = h;
    });
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, headers, body: text });
    });
    stream.on('error', reject);
  });
}
