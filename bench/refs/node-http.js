// The floor under everything: node:http answering a fixed JSON object.
//   node node-http.js <port>
import { createServer } from "node:http";
import { keyRecord } from "./common.js";

const body = JSON.stringify(keyRecord(1));
createServer((request, response) => {
  response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  response.end(body);
}).listen(Number(process.argv[2]), "127.0.0.1");
