package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a detached tmux session on a
// private server socket, as a person at a terminal would.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

// keys sends each key on its own, so tmux does not merge esc with the next
// key into an alt- chord.
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		s.tmux("send-keys", "-t", s.name, k)
		time.Sleep(80 * time.Millisecond)
	}
}

// waitFor polls the screen until it matches, or fails showing the screen.
func (s *tmuxSession) waitFor(what string, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		if last = s.screen(); ok(last) {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("waiting for %s; screen:\n%s", what, last)
	return ""
}

func (s *tmuxSession) waitText(text string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", text), func(sc string) bool { return strings.Contains(sc, text) })
}

var (
	bindingCode = regexp.MustCompile(`verification code is[\s│]+(\d{6})`)
	countdown   = regexp.MustCompile(`expires in ([0-9hm]+ ?[0-9]*s?)`)
)

func TestEndToEndDemoInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tokenbench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := &tmuxSession{t: t, socket: filepath.Join(dir, "tmux.sock"), name: "e2e"}
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", "env", "TERM=xterm-256color", bin, "demo")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })

	s.waitText("MFA user")
	// The third connection is the MFA user.
	s.keys("j", "j", "Enter")
	s.waitText("Multi-factor authentication required")
	// The code goes out by SMS as soon as mfa_required arrives.
	sc := s.waitFor("the demo outbox", func(sc string) bool { return bindingCode.MatchString(sc) })
	code := bindingCode.FindStringSubmatch(sc)[1]

	// A wrong code first: the screen says so and keeps the flow.
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	s.keys(wrong, "Enter")
	s.waitText("wrong binding code")
	s.waitText("Attempts left: 2")

	s.keys(code, "Enter")
	sc = s.waitText("password via MFA")
	first := countdown.FindStringSubmatch(sc)
	if first == nil {
		t.Fatalf("no countdown on the token view:\n%s", sc)
	}
	// The countdown moves on its own.
	s.waitFor("the countdown to move", func(sc string) bool {
		m := countdown.FindStringSubmatch(sc)
		return m != nil && m[1] != first[1]
	})
	if strings.Contains(sc, code) {
		t.Fatalf("binding code still on the token view:\n%s", sc)
	}

	s.keys("q")
	// q quits: the session (and with it this tmux server) goes away.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if exec.Command("tmux", "-S", s.socket, "has-session", "-t", s.name).Run() != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit; screen:\n%s", s.screen())
		}
	}
}
