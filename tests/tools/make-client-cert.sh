#!/usr/bin/env bash
# A client certificate from the test CA in DIR (make-test-ca.sh first):
# client.pem + client.key, client-combined.pem (certificate and key in one
# file), client-encrypted.key (the key encrypted with the passphrase in
# environment variable CLIENT_KEY_PASSPHRASE, so it is in no argv), and
# stranger.pem + stranger.key, self-signed (a CA the server does not trust).
set -euo pipefail
dir=$1
cd "$dir"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout client.key -out client.csr -subj /CN=asyncfetch-test-client 2>/dev/null
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > client-ext.cnf
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile client-ext.cnf -out client.pem 2>/dev/null
cat client.pem client.key > client-combined.pem
openssl pkey -in client.key -aes256 -passout env:CLIENT_KEY_PASSPHRASE -out client-encrypted.key
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout stranger.key -out stranger.pem -subj /CN=asyncfetch-stranger 2>/dev/null
