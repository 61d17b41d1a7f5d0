package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/pages/home"
)

// Helpers that read what the user sees, and nothing of a model's state:
// the header's breadcrumb, the status line in the footer, the form's
// fields and the token view's fingerprints. Tests build states through
// New, the page constructors and key presses; they assert with these.

// crumbGap is the gap between the breadcrumb and the badge on the right.
var crumbGap = regexp.MustCompile(`\s{2,}`)

// screenOf is the screen showing, as the header's breadcrumb names it
// ("home", "token", "MFA", "request · client_credentials", each page's
// title); a flow's profile or connection follows it ("token · Demo API
// client").
func screenOf(m *Model) string {
	first, _, _ := strings.Cut(viewText(m), "\n")
	_, crumb, ok := strings.Cut(first, "tokenbench › ")
	if !ok {
		return ""
	}
	return crumbGap.Split(strings.TrimSpace(crumb), 2)[0]
}

// onScreen reports whether the screen showing is s, alone or with the
// profile or connection it runs for.
func onScreen(m *Model, s string) bool {
	got := screenOf(m)
	return got == s || strings.HasPrefix(got, s+" · ")
}

// wantScreen fails unless the screen showing is s (see onScreen).
func wantScreen(t *testing.T, m *Model, s string) {
	t.Helper()
	if !onScreen(m, s) {
		t.Fatalf("screen %q, want %q:\n%s", screenOf(m), s, viewText(m))
	}
}

// statusOf is the status line under the body, as one line (a long status
// wraps at the width onto up to three lines), "" when there is none. It is
// read from the footer with the full help closed: the key help is the last
// line, and the status's lines above it are as wide as the status area
// (the width less the margin); with no status that line is blank.
func statusOf(m *Model) string {
	lines := strings.Split(viewText(m), "\n")
	if len(lines) < 4 {
		return ""
	}
	area := ansi.StringWidth(lines[1]) - 1 // the header's rule spans the width
	var st []string
	for i := len(lines) - 2; i >= 2 && len(st) < 3 && ansi.StringWidth(lines[i]) == area; i-- {
		st = append([]string{lines[i]}, st...)
	}
	return strings.Join(strings.Fields(strings.Join(st, " ")), " ")
}

// wantStatus fails unless the status line shows text (wherever the width
// wrapped it).
func wantStatus(t *testing.T, m *Model, text string) {
	t.Helper()
	if !strings.Contains(squash(statusOf(m)), squash(text)) {
		t.Fatalf("status %q, want %q:\n%s", statusOf(m), text, viewText(m))
	}
}

// squash drops every space: a line wrapped at any width reads the same.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// formField is what the form shows on the line of the field labelled
// label: its value (masked for a secret, the placeholder when empty), the
// error under it, and whether it has the focus (the › marker).
func formField(m *Model, label string) (value, err string, focused bool, ok bool) {
	lines := strings.Split(viewText(m), "\n")
	for i, l := range lines {
		if i < 2 { // the header
			continue
		}
		l = strings.TrimPrefix(l, " ") // the body's margin
		rest, focus := strings.CutPrefix(l, "› ")
		if !focus {
			if rest, ok = strings.CutPrefix(l, "  "); !ok {
				continue
			}
		}
		if rest, ok = strings.CutPrefix(rest, label+" "); !ok {
			continue
		}
		if i+1 < len(lines) {
			if _, e, has := strings.Cut(lines[i+1], "↳ "); has {
				err = strings.TrimSpace(e)
			}
		}
		return strings.TrimSpace(rest), err, focus, true
	}
	return "", "", false, false
}

// focusedField is the label of the form field with the focus: the line
// with the › marker (a toggle's line is its text).
func focusedField(m *Model) string {
	for i, l := range strings.Split(viewText(m), "\n") {
		if i < 2 {
			continue
		}
		if rest, ok := strings.CutPrefix(strings.TrimPrefix(l, " "), "› "); ok {
			label, _, _ := strings.Cut(strings.TrimSpace(rest), "  ")
			return label
		}
	}
	return ""
}

// wantFieldError fails unless the form shows an error holding errPart
// under the field labelled label.
func wantFieldError(t *testing.T, m *Model, label, errPart string) {
	t.Helper()
	_, err, _, ok := formField(m, label)
	if !ok || err == "" || !strings.Contains(err, errPart) {
		t.Fatalf("field %s: error %q, want one with %q:\n%s", label, err, errPart, viewText(m))
	}
}

// wantFieldValue fails unless the form shows value in the field labelled
// label.
func wantFieldValue(t *testing.T, m *Model, label, value string) {
	t.Helper()
	got, _, _, ok := formField(m, label)
	if !ok || got != value {
		t.Fatalf("field %s shows %q, want %q:\n%s", label, got, value, viewText(m))
	}
}

var (
	refreshRow   = regexp.MustCompile(`Refresh +✓ (sha256:[0-9a-f]+… \([0-9]+ chars\))`)
	rawAccessRow = regexp.MustCompile(`"access_token": "(sha256:[0-9a-f]+… \([0-9]+ chars\))"`)
)

// shownFingerprints are the fingerprints the token view shows of its
// token: the access token's in the raw JSON (v, scrolled down to it, and
// v again: the view is left unscrolled), and the refresh token's on the
// Refresh row ("" when it shows none).
func shownFingerprints(t *testing.T, m *Model) (access, refresh string) {
	t.Helper()
	wantScreen(t, m, "token")
	if sub := refreshRow.FindStringSubmatch(viewText(m)); sub != nil {
		refresh = sub[1]
	}
	press(t, m, "v")
	for range 60 {
		if sub := rawAccessRow.FindStringSubmatch(viewText(m)); sub != nil {
			access = sub[1]
			break
		}
		press(t, m, "down")
	}
	press(t, m, "v")
	if access == "" {
		t.Fatalf("the raw JSON shows no access token:\n%s", viewText(m))
	}
	return access, refresh
}

// wantToken fails unless the token view shows res: its access token and
// its refresh token (or none), by their fingerprints.
func wantToken(t *testing.T, m *Model, res *flows.Result) {
	t.Helper()
	access, refresh := shownFingerprints(t, m)
	wantRefresh := ""
	if res.RefreshToken != "" {
		wantRefresh = tokeninfo.Fingerprint(res.RefreshToken)
	}
	if want := tokeninfo.Fingerprint(res.Response.AccessToken); access != want || refresh != wantRefresh {
		t.Fatalf("the token view shows access %s refresh %q, want %s refresh %q:\n%s", access, refresh, want, wantRefresh, viewText(m))
	}
}

// heldName is the name the session holds the token of the home item
// written as key ("profile:NAME", "conn:N") under: tests name items so.
func heldName(key string) string {
	if name, ok := strings.CutPrefix(key, "profile:"); ok {
		return home.ProfileKey(name).Held()
	}
	return key
}
