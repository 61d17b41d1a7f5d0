package record

import (
	"crypto/sha256"
	"fmt"
)

// fingerprintChars may show in a fingerprint: base64url and '.', which
// need no escaping in JSON, URLs or a shell, and cannot hide text.
const fingerprintChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

// Fingerprint names a token without revealing it: a short sha256 of it
// and its length ("sha256:3f9a1c… (812 chars)"), so two tokens can be told
// apart (every JWT starts "eyJhbG"). Short ones show no hash: a hash of a
// few characters could be reversed by trying them all.
func Fingerprint(secret string) string {
	if len(secret) <= 10 {
		return mask(secret)
	}
	sum := sha256.Sum256([]byte(secret))
	return fmt.Sprintf("sha256:%x… (%d chars)", sum[:3], len(secret))
}
