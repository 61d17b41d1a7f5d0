package chooser_test

import (
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/chooser"
)

var grants = []client.Grant{client.GrantClientCredentials, client.GrantPassword, client.GrantAuthorizationCode,
	client.GrantAccountUserToken, client.GrantRefreshToken, client.GrantMFAOOB, client.GrantOIDC}

func newChooser(forProfile bool) *chooser.Page {
	return chooser.New(uitest.Context(uitest.NewClock(uitest.FixedNow)), forProfile)
}

func only(t *testing.T, p common.Page, keys ...string) any {
	t.Helper()
	_, cmds := uitest.Press(p, keys...)
	var msgs []any
	for _, c := range cmds {
		for _, m := range uitest.Messages(c) {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) != 1 {
		t.Fatalf("%v: %#v, want one message", keys, msgs)
	}
	return msgs[0]
}

// TestChooserEnterPicksTheGrantUnderTheCursor: each grant, reached with
// down, is the one enter picks, for a request and for a new profile.
func TestChooserEnterPicksTheGrantUnderTheCursor(t *testing.T) {
	for _, forProfile := range []bool{false, true} {
		for i, g := range grants {
			keys := append(make([]string, 0, i+1), strings.Fields(strings.Repeat("down ", i))...)
			got := only(t, newChooser(forProfile), append(keys, "enter")...)
			if got != (chooser.GrantChosenMsg{Grant: g, ForProfile: forProfile}) {
				t.Fatalf("for profile %v, %d downs: %#v, want %s", forProfile, i, got, g)
			}
		}
	}
}

// TestChooserShowsEveryGrantAndTheRecoveryLine: a request's chooser lists
// the grants, each explained, and then the lost-device recovery, whose
// enter asks the root for the recovery; a profile's chooser has no
// recovery line (it is no profile grant) and stops at the last grant.
func TestChooserShowsEveryGrantAndTheRecoveryLine(t *testing.T) {
	screen := uitest.Screen(newChooser(false), 80, 24)
	for _, g := range grants {
		if !strings.Contains(screen, string(g)) {
			t.Fatalf("%s is not offered:\n%s", g, screen)
		}
	}
	if !strings.Contains(screen, "Recover MFA (lost device)") || !strings.Contains(screen, "Basic auth with client id + secret") {
		t.Fatalf("no recovery line or no explanations:\n%s", screen)
	}
	keys := append(strings.Fields(strings.Repeat("down ", len(grants))), "enter")
	if got := only(t, newChooser(false), keys...); got != (common.RecoveryChosenMsg{}) {
		t.Fatalf("enter on the recovery line: %#v", got)
	}

	screen = uitest.Screen(newChooser(true), 80, 24)
	if strings.Contains(screen, "Recover MFA") {
		t.Fatalf("a profile's chooser offers the recovery:\n%s", screen)
	}
	// Down past the last grant stays on it.
	if got := only(t, newChooser(true), append(strings.Fields(strings.Repeat("down ", len(grants)+1)), "enter")...); got != (chooser.GrantChosenMsg{Grant: client.GrantOIDC, ForProfile: true}) {
		t.Fatalf("past the last grant: %#v", got)
	}
}

// TestChooserEscLeavesOnPurpose: esc tells the root the chooser was left
// (for a request or a profile), and whether a form had been left back to
// it first (so the root forgets the secrets typed there).
func TestChooserEscLeavesOnPurpose(t *testing.T) {
	if got := only(t, newChooser(false), "esc"); got != (chooser.LeftMsg{}) {
		t.Fatalf("esc: %#v", got)
	}
	p := newChooser(true)
	p.Update(chooser.FormLeftMsg{})
	if got := only(t, p, "esc"); got != (chooser.LeftMsg{ForProfile: true, AfterForm: true}) {
		t.Fatalf("esc after a form was left: %#v", got)
	}
}

// TestChooserOtherKeysDoNothing: keys the chooser does not offer send
// nothing and leave the cursor where it was.
func TestChooserOtherKeysDoNothing(t *testing.T) {
	p := newChooser(false)
	uitest.Press(p, "down")
	for _, k := range []string{"x", "a", "space", "ctrl+r", "1", "tab"} {
		if _, cmds := uitest.Press(p, k); cmds[0] != nil {
			t.Fatalf("%s returned a command", k)
		}
	}
	if got := only(t, p, "enter"); got != (chooser.GrantChosenMsg{Grant: client.GrantPassword}) {
		t.Fatalf("after stray keys, enter picks %#v", got)
	}
	if p.TakesText() {
		t.Fatal("the chooser takes text: q would not quit")
	}
}

// TestChooserFitsSmallScreens: at 60×20 and smaller every grant's name and
// the recovery line stay on screen, with the selected one's explanation;
// no line is wider than the body.
func TestChooserFitsSmallScreens(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {60, 16}, {40, 12}} {
		p := newChooser(false)
		uitest.Press(p, "down", "down")
		screen := uitest.Screen(p, size[0], size[1])
		lines := strings.Split(screen, "\n")
		if len(lines) > size[1] {
			t.Fatalf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if len([]rune(l)) > size[0] {
				t.Fatalf("%v: line %q too wide", size, l)
			}
		}
		for _, g := range grants {
			if !strings.Contains(screen, string(g)) {
				t.Fatalf("%v: %s is cut:\n%s", size, g, screen)
			}
		}
		if !strings.Contains(screen, "› authorization_code") || !strings.Contains(screen, "passwordless") || !strings.Contains(screen, "Recover MFA") {
			t.Fatalf("%v: the selected grant's explanation or the recovery line is cut:\n%s", size, screen)
		}
	}
}
