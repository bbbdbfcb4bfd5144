// A stand-in for the Kubernetes API server's ReplicationDestination list (no cluster here):
// node kube-api.js PORT TOKEN FIXTURE.json — answers the list with FIXTURE when the bearer token
// matches, 401 otherwise, 404 for any other path. Started and stopped by PID by the tests.
const http = require("http");
const fs = require("fs");
const [port, token, fixture] = process.argv.slice(2);
http
  .createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end('{"kind":"Status","code":401,"message":"Unauthorized"}');
    }
    if (req.url !== "/apis/volsync.backube/v1alpha1/replicationdestinations") {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(fs.readFileSync(fixture));
  })
  .listen(Number(port), "127.0.0.1");
