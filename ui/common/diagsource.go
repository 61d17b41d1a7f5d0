package common

import (
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// DiagnoseSource is where the doctor reads users with: the client
// credentials (or Bearer) of a connection, a profile or the request being
// worked on, which need read:accounts.
type DiagnoseSource struct {
	BaseURL string
	Request flows.Request
	// Profile, when set, fills the client secret from its store.
	Profile *profiles.Profile
	// Connection is the connection whose run or user is diagnosed, for
	// the bundle to name; "" for a profile's (or a one-off request's).
	Connection string
	// Failure is the failed request a client diagnosis explains, for its
	// bundle; nil otherwise.
	Failure *FailedRequest
}

// FailedRequest is what a bundle says of a failed token request: its
// one-line error, Dintero's details (sanitised) and its grant.
type FailedRequest struct {
	Error   string
	Details []string
	Grant   string
}

// ReaderName names the API client src reads users with, for a screen.
func ReaderName(src DiagnoseSource) string {
	if src.Profile != nil {
		return "profile " + src.Profile.Name
	}
	if src.Request.ClientID != "" {
		return "client " + src.Request.ClientID
	}
	return "the Bearer"
}
