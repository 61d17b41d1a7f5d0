package log

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/ui/common"
)

type (
	harSavedMsg struct {
		path string
		err  error
		// exists is the file already at the path, not replaced.
		exists string
	}
)

// saveHAR writes the exchanges as a HAR file at path (relative to the
// current directory): a new file, 0600, never half; a file already there
// is reported (exists), not replaced, unless replace says the user agreed,
// and then it is replaced atomically.
func saveHAR(ex []record.Exchange, path string, replace bool) tea.Cmd {
	if path == "" {
		return common.SetStatus("HAR not written: no file name", true)
	}
	return func() tea.Msg {
		data, err := record.HAR(ex, "tui")
		if err != nil {
			return harSavedMsg{err: err}
		}
		abs, err := bundle.WriteFile(path, data, replace)
		var exists *bundle.ExistsError
		if errors.As(err, &exists) {
			return harSavedMsg{exists: exists.Path}
		}
		return harSavedMsg{path: abs, err: err}
	}
}

// exchangeWhat names an exchange by what it did: "token · password",
// "challenge · sms", "jwks"; anything else by its path's tail.
func exchangeWhat(e record.Exchange) string {
	path := pathOnly(e.URL)
	switch {
	case strings.HasSuffix(path, "/auth/token"):
		if g := e.Fields["grant_type"]; g != "" {
			return "token · " + g
		}
		return "token"
	case strings.HasSuffix(path, "/auth/mfa/challenge"):
		ch := e.Fields["oob_channel"]
		if ch == "" {
			ch = "sms"
		}
		return "challenge · " + ch
	case strings.HasSuffix(path, "/auth/mfa/recovery"):
		ch := e.Fields["oob_channel"]
		if ch == "" {
			ch = "sms"
		}
		return "recovery · " + ch
	case strings.HasSuffix(path, "/auth/revoke"):
		return "revoke"
	case strings.HasSuffix(path, "/auth/exchange_token"):
		return "exchange token · " + e.Fields["account_id"]
	case strings.HasSuffix(path, "/management/users"):
		return "users · search"
	case strings.HasSuffix(path, "/activities"):
		return "user · activity"
	case strings.HasSuffix(path, "/auth/keys"):
		return "keys"
	case strings.Contains(path, "jwks"):
		return "jwks"
	}
	return e.Method + " " + truncateLeft(path, 14)
}

// truncateLeft keeps the last n cells of s.
func truncateLeft(s string, n int) string {
	r := []rune(s)
	if n <= 1 || len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

// pathOnly is a URL's path: no scheme, host, query or fragment.
func pathOnly(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.Index(rest, "/"); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}
