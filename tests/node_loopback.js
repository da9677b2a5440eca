// Loaded into Comunica's server (NODE_OPTIONS=--require, tests/servers.py): a server that
// listens on a bare port listens on 127.0.0.1 only, as every test server here does.
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === "number" && (rest.length === 0 || typeof rest[0] === "function")) {
    return listen.call(this, port, "127.0.0.1", ...rest);
  }
  return listen.call(this, port, ...rest);
};
