import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * A fake CloudFormation response endpoint on 127.0.0.1 for the duration of a test file: each request
 * body is read whole and handed to `answer`, which writes the response (or holds it open). Returns
 * a function that gives the base URL once the server listens.
 */
export function useResponseServer(answer: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): () => string {
  let server: http.Server;
  let baseUrl = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => answer(req, data, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return () => baseUrl;
}
