// Prints UserSigs made by Tencent's own tls-sig-api-v2, an implementation independent of ours, for the API tests.
// Usage: node usersig.js '[{"sdkappid":1400000001,"key":"…","identifier":"alice","expire":86400,"time":1767225600}]'
// Prints a JSON array of sigs in the same order. "time" (Unix seconds) stands in for the clock, which the library
// reads itself, so that tests can make sigs that are valid or expired on the server's test clock.
'use strict';
const TLSSigAPIv2 = require('tls-sig-api-v2');

const requests = JSON.parse(process.argv[2] ?? '[]');
const realNow = Date.now;
const sigs = requests.map(({ sdkappid, key, identifier, expire, time }) => {
  Date.now = () => time * 1000;
  try {
    return new TLSSigAPIv2.Api(sdkappid, key).genUserSig(identifier, expire);
  } finally {
    Date.now = realNow;
  }
});
process.stdout.write(JSON.stringify(sigs));
