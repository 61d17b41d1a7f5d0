//go:build unix

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Closing the terminal (or losing the SSH connection) sends SIGHUP; a
// quit from the keyboard's ctrl+\ sends SIGQUIT. Like q, ctrl+c and
// SIGTERM, neither leaves a copied access token in tmux's buffers.
func TestHangupClearsTheClipboardInTmux(t *testing.T) {
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
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			s := &tmuxSession{t: t, socket: filepath.Join(dir, "tmux-"+strings.ReplaceAll(sig.String(), " ", "")+".sock"), name: "hup"}
			// A second session keeps the tmux server (and its buffers)
			// alive when the workbench's pane goes.
			s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "sleep", "600")
			t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
			s.tmux("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", "env", "TERM=xterm-256color", "DISPLAY=", "WAYLAND_DISPLAY=", bin, "demo")
			s.waitText("Demo API client")
			s.keys("Enter")
			s.waitText("expires in")
			s.keys("c")
			s.waitText("copied")
			buffers := func() string { return s.tmux("list-buffers", "-F", "#{buffer_name}") }
			if !strings.Contains(buffers(), "tokenbench-") {
				t.Fatalf("the copy is not in a tmux buffer: %q\n%s", buffers(), s.screen())
			}
			pid := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}"))
			if out, err := exec.Command("kill", "-"+strings.TrimPrefix(sigName(sig), "SIG"), pid).CombinedOutput(); err != nil {
				t.Fatalf("kill: %v %s", err, out)
			}
			for deadline := time.Now().Add(10 * time.Second); strings.Contains(buffers(), "tokenbench-"); time.Sleep(100 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("after %s the copied token is still in tmux: %q", sigName(sig), buffers())
				}
			}
		})
	}
}

func sigName(sig syscall.Signal) string {
	if sig == syscall.SIGHUP {
		return "SIGHUP"
	}
	return "SIGQUIT"
}
