//go:build !windows

package main

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// demoJWT is an unsigned-looking token with the claims decode shows.
const demoJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyOnN1cHBvcnRAZXhhbXBsZS5jb20iLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl"

// TestHeadlessCommandsNeverWaitOnTheTerminal runs commands that draw no TUI
// in a pseudo-terminal that never answers a query (as ssh -tt, docker run
// -t or a web terminal without an emulator behind it). Bubble Tea v1 asked
// for the background colour at start-up and waited 5 s for an answer; no
// headless command may ask, nor print any escape sequence. The bound is
// generous on purpose: it tells 5 s from a normal start, nothing finer.
func TestHeadlessCommandsNeverWaitOnTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "tokenbench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"decode", demoJWT}} {
		t.Run(args[0], func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			cmd.Env = []string{"TERM=xterm-256color", "HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
			tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
			if err != nil {
				t.Fatal(err)
			}
			defer tty.Close()
			// Read everything, answering nothing.
			var out bytes.Buffer
			copied := make(chan struct{})
			go func() {
				_, _ = io.Copy(&out, tty)
				close(copied)
			}()
			done := make(chan error, 1)
			start := time.Now()
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if took := time.Since(start); took > 2*time.Second {
					t.Fatalf("%s took %s in a silent terminal", args[0], took)
				}
				var exit *exec.ExitError
				if err != nil && !errors.As(err, &exit) {
					t.Fatal(err)
				}
			case <-time.After(2 * time.Second):
				_ = cmd.Process.Signal(syscall.SIGKILL)
				<-done
				t.Fatalf("%s still running after 2 s in a terminal that never answers", args[0])
			}
			// The pty's reader ends with EIO once the child is gone.
			select {
			case <-copied:
			case <-time.After(2 * time.Second):
				_ = tty.Close()
				<-copied
			}
			if got := out.String(); strings.ContainsRune(got, '\x1b') || !strings.Contains(got, map[string]string{"version": "tokenbench", "decode": "support@example.com"}[args[0]]) {
				t.Fatalf("%s printed %q", args[0], got)
			}
		})
	}
}

// BenchmarkTUIFirstFrame is the time from starting the workbench in a
// pseudo-terminal (that answers no query) to its first frame: plain
// `tokenbench` on an empty config (the grant chooser), and `tokenbench
// demo` (home), whose fake server first makes an RSA key.
//
//	go test -run '^$' -bench TUIFirstFrame -benchtime 20x .
func BenchmarkTUIFirstFrame(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "tokenbench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name, want string
		args       []string
	}{
		{"tokenbench", "client_credentials", nil},
		{"demo", "Demo API client", []string{"demo"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				firstFrame(b, bin, tc.args, tc.want)
			}
		})
	}
}

func firstFrame(b *testing.B, bin string, args []string, want string) {
	home := b.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"TERM=xterm-256color", "HOME=" + home, "XDG_CONFIG_HOME=" + home, "PATH=/usr/bin:/bin"}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		b.Fatal(err)
	}
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !bytes.Contains(seen.Bytes(), []byte(want)) {
		n, err := tty.Read(buf)
		if err != nil {
			b.Fatalf("no first frame: %v\n%q", err, seen.String())
		}
		seen.Write(buf[:n])
	}
	b.StopTimer()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	_ = tty.Close()
	b.StartTimer()
}
