/* coursepack runtime keys: answer keys the build hashed (coursepack/hashed_keys.py),
   for quizzes that never show the expected answer (review feedback or none). Shipped
   only in packages that have such a quiz; the core asks it through Coursepack.keys.
   Deterrence, not security: what the page can check, a learner can try. */
(function () {
  "use strict";

  /* SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, in hex, for the answer keys the
     build hashes (coursepack/hashed_keys.py). Written out because WebCrypto is async
     and missing outside secure contexts (an LMS page served over plain HTTP). */
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
  function sha256(text) {
    var bytes = unescape(encodeURIComponent(text)), k = [], h = [], n = 2, p, i, j;
    while (k.length < 64) {
      for (p = 2; p * p <= n && n % p; p++) { /* trial division */ }
      if (p * p > n) {
        if (h.length < 8) { h.push((Math.pow(n, 1 / 2) * 4294967296) | 0); }
        k.push((Math.pow(n, 1 / 3) * 4294967296) | 0);
      }
      n++;
    }
    var words = [], total = ((bytes.length + 8) >> 6) * 16 + 16;
    for (i = 0; i < total; i++) { words[i] = 0; }
    for (i = 0; i < bytes.length; i++) { words[i >> 2] |= bytes.charCodeAt(i) << ((3 - (i % 4)) * 8); }
    words[bytes.length >> 2] |= 0x80 << ((3 - (bytes.length % 4)) * 8);
    words[total - 1] = bytes.length * 8;
    for (j = 0; j < total; j += 16) {
      var w = words.slice(j, j + 16), a = h.slice(0);
      for (i = 0; i < 64; i++) {
        if (i >= 16) {
          var x = w[i - 15], y = w[i - 2];
          w[i] = (w[i - 16] + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + w[i - 7] +
            (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10))) | 0;
        }
        var t1 = (a[7] + (rotr(a[4], 6) ^ rotr(a[4], 11) ^ rotr(a[4], 25)) +
          ((a[4] & a[5]) ^ (~a[4] & a[6])) + k[i] + w[i]) | 0;
        var t2 = ((rotr(a[0], 2) ^ rotr(a[0], 13) ^ rotr(a[0], 22)) +
          ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]))) | 0;
        a = [(t1 + t2) | 0].concat(a.slice(0, 7));
        a[4] = (a[4] + t1) | 0;
      }
      for (i = 0; i < 8; i++) { h[i] = (h[i] + a[i]) | 0; }
    }
    return h.map(function (v) { return ("0000000" + (v >>> 0).toString(16)).slice(-8); }).join("");
  }

  function digestOf(key, text) { return sha256(key.salt + "|" + text); }

  /* The learner's answer, normalised as the build did, against the key's digest(s). */
  function isCorrect(key, encoded, normalise, parseNumber) {
    switch (key.type) {
      case "multiple_response": return digestOf(key, encoded.split(",").sort().join(",")) === key.digest;
      case "fill_in": return key.digests.indexOf(digestOf(key, normalise(encoded, key.caseSensitive))) >= 0;
      case "numeric":
        var value = parseNumber(encoded);
        return !isNaN(value) && digestOf(key, String(value)) === key.digest;
    }
    return digestOf(key, encoded) === key.digest;
  }

  window.Coursepack.keys = {
    sha256: sha256,
    isCorrect: isCorrect,
    /* A matching target's opaque form value (hashed_keys.match_token). */
    token: function (salt, id) { return sha256(salt + "|match:" + id).slice(0, 10); }
  };
})();
