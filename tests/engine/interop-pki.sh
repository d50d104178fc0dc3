#!/bin/sh
# A test PKI for the certificate cases of interop-host.sh, made with the
# openssl command when the test runs (no private key is kept in the tree):
#   root (RSA-3072) -> int (RSA-3072, pathlen 0) -> end entities
#   {a,b}-rsa (RSA-3072), {a,b}-p256, {a,b}-p384, {a,b}-ed (Ed25519),
#   {a,b}-revoked (P-256, listed in int.crl), each with subjectAltName
#   DNS:a.example or DNS:b.example.
# usage: interop-pki.sh DIR
set -eu
D=$1
mkdir -p "$D" && cd "$D"
umask 077
O="openssl"
key() {	# $1 name, $2 type
	case $2 in
	rsa) $O genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1.key" 2>/dev/null ;;
	p256) $O genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	p384) $O genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
	ed) $O genpkey -algorithm ED25519 -out "$1.key" ;;
	esac
}
cat > ext.cnf <<X
[int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[a]
subjectAltName = DNS:a.example
keyUsage = critical, digitalSignature
authorityKeyIdentifier = keyid:always
[b]
subjectAltName = DNS:b.example
keyUsage = critical, digitalSignature
authorityKeyIdentifier = keyid:always
X
key root rsa
$O req -x509 -new -key root.key -subj "/C=CH/O=Interop/CN=Root CA" -days 30 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-set_serial 1 -out root.pem
key int rsa
$O req -new -key int.key -subj "/C=CH/O=Interop/CN=Intermediate CA" -out int.csr
$O x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 30 \
	-extfile ext.cnf -extensions int -out int.pem 2>/dev/null
serial=16
for spec in a-rsa:rsa:a b-rsa:rsa:b a-p256:p256:a b-p256:p256:b a-p384:p384:a b-p384:p384:b \
	    a-ed:ed:a b-ed:ed:b a-revoked:p256:a b-revoked:p256:b; do
	n=${spec%%:*}; rest=${spec#*:}; t=${rest%%:*}; side=${rest#*:}
	key "$n" "$t"
	$O req -new -key "$n.key" -subj "/C=CH/O=Interop/CN=$n" -out "$n.csr"
	$O x509 -req -in "$n.csr" -CA int.pem -CAkey int.key -set_serial $serial -days 30 \
		-extfile ext.cnf -extensions "$side" -out "$n.pem" 2>/dev/null
	serial=$((serial + 1))
done
# the CRL of int, listing a-revoked
: > index.txt
echo 1000 > crlnumber
cat > ca.cnf <<X
[ca]
default_ca = int
[int]
database = $D/index.txt
crlnumber = $D/crlnumber
default_md = sha256
default_crl_days = 1
crl_extensions = crl_ext
[crl_ext]
# strongSwan finds a CA's CRL by its authorityKeyIdentifier
authorityKeyIdentifier = keyid:always
X
for r in a-revoked b-revoked; do
	$O ca -config ca.cnf -keyfile int.key -cert int.pem -revoke $r.pem 2>/dev/null
done
$O ca -config ca.cnf -keyfile int.key -cert int.pem -gencrl -out int.crl 2>/dev/null
rm -f ./*.csr
