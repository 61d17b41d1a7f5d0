package doctor

import (
	"errors"
	"strings"

	"github.com/tokenbench/tokenbench/client"
)

// AboutGrants reports whether a token request failed for a reason the API
// client's grants explain (§11): an audience the client has no grant for
// ("audience must be a grant associated with the client"), or a grant
// whose type excludes the grant type used. The CLI ends such an error with
// the `doctor --client` command to run; the TUI offers the diagnosis.
func AboutGrants(err error) bool {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status < 400 || apiErr.Status >= 500 || apiErr.MFARequired() {
		return false
	}
	text := strings.ToLower(apiErr.Error())
	switch {
	case strings.Contains(text, "grant associated with the client"),
		strings.Contains(text, "client's grant"),
		strings.Contains(text, "client grant"):
		return true
	case strings.Contains(text, "audience") && !strings.Contains(text, "audience is required"):
		return true
	}
	return false
}

// FailedGrant is the grant type whose request failed: the client_credentials
// request a chained grant gets its Bearer with, or the grant asked.
func FailedGrant(err error, asked string) string {
	if err != nil && strings.Contains(err.Error(), "client_credentials for the Bearer") {
		return string(client.GrantClientCredentials)
	}
	return asked
}
