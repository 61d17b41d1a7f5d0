package cli

import (
	"errors"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
)

// errorMessage is the one line printed after "error: ". A 429 is said as
// what it is, with the wait, whichever step of a flow met it: "429 rate
// limited: retry after 30 s" (exit 4). Nothing is retried.
func errorMessage(err error) string {
	var (
		rl  *client.RateLimitError
		not *flows.NotACodeError
	)
	if errors.As(err, &not) && not.Kind == flows.NotCodeRateLimited && not.Step == flows.StepCode {
		// The wait, and that the code was not checked.
		return not.Error()
	}
	if errors.As(err, &rl) {
		return rl.Error()
	}
	return err.Error()
}

// errorDetails are the server's details of err (an APIError's), for a
// bundle's summary; nil for any other error.
func errorDetails(err error) []string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.AllDetails()
	}
	return nil
}
