package ui

import "github.com/tokenbench/tokenbench/flows/tokeninfo"

type // sigMsg is a token's signature checked against its JWKS.
sigMsg struct {
	token string
	url   string
	ver   tokeninfo.Verification
	err   error
}

// sigText is a signature check's outcome in one line.
func sigText(msg sigMsg) string {
	if msg.err != nil {
		return "NOT verified: JWKS unreachable or unusable: " + errText(msg.err)
	}
	return msg.ver.String()
}
