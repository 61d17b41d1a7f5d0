package common

import "github.com/tokenbench/tokenbench/flows/tokeninfo"

// SigMsg is a token's signature checked against its JWKS (the root's
// check, which the inspector also shows).
type SigMsg struct {
	Token string
	URL   string
	Ver   tokeninfo.Verification
	Err   error
}

// SigText is a signature check's outcome in one line.
func SigText(msg SigMsg) string {
	if msg.Err != nil {
		return "NOT verified: JWKS unreachable or unusable: " + ErrText(msg.Err)
	}
	return msg.Ver.String()
}
