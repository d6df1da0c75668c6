// A stand-in CRM for scripts/check-contracts.sh: answers every POST 200 so the gateway's CRM
// deliveries succeed and /metrics has delivery samples. Listens on a free loopback port and
// writes it to the file named by the first argument. Runs until killed.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';

const portFile = process.argv[2];
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(request.method === 'POST' ? 200 : 405, { 'content-type': 'application/json' });
    response.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
