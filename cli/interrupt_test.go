//go:build linux

package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/tokenbench/tokenbench/client/dinterotest"
)

// ptyRun is the real binary running on a pseudo-terminal, as at a desk.
type ptyRun struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File // the terminal's side: what the person types and sees
	tty  *os.File // the program's side, kept open to read its modes after

	mu     sync.Mutex
	out    bytes.Buffer
	change chan struct{}
	exited chan struct{}
}

func startOnPTY(t *testing.T, bin string, env []string, args ...string) *ptyRun {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	// Its own session with the pty as controlling terminal, so ^C typed on
	// it is an interrupt for the program's process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &ptyRun{t: t, cmd: cmd, ptmx: ptmx, tty: tty, change: make(chan struct{}, 1), exited: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			select {
			case p.change <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

func (p *ptyRun) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitText waits until the screen shows text.
func (p *ptyRun) waitText(text string) {
	p.t.Helper()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(p.output(), text) {
		// The program's side stays open here, so what it wrote before it
		// exited is still read after.
		select {
		case <-p.change:
		case <-deadline:
			p.t.Fatalf("waiting for %q:\n%s", text, p.output())
		}
	}
}

// interruptAndWait types ctrl+c and returns the exit code.
func (p *ptyRun) interruptAndWait() int {
	p.t.Helper()
	if _, err := p.ptmx.Write([]byte{3}); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		p.t.Fatalf("still running 20s after ctrl+c:\n%s", p.output())
	}
	return p.cmd.ProcessState.ExitCode()
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tokenbench")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/tokenbench/tokenbench").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestInterruptExits130AndRestoresTerminal is issue 9 items 14 and 15:
// ctrl+c at the password prompt, while waiting for the binding code, and
// with a request in flight exits 130 with "cancelled", and leaves the
// terminal echoing.
func TestInterruptExits130AndRestoresTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	srv := fake(t)
	arrived := make(chan struct{}, 1)
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body so the server notices the client going away.
		io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer hanging.Close()

	home := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TOKENBENCH_CONFIG_DIR=" + home, "TERM=dumb",
		"TOKENBENCH_CLIENT_SECRET=" + dinterotest.DemoSecret}
	token := func(base string, extra ...string) []string {
		return append([]string{"token", "--base-url", base, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}, extra...)
	}
	for _, c := range []struct {
		name  string
		env   []string
		args  []string
		ready func(p *ptyRun)
	}{
		{"password prompt", env, token(srv.URL, "--grant", "password", "--username", dinterotest.DemoUser),
			func(p *ptyRun) { p.waitText("Password for " + dinterotest.DemoUser + ": ") }},
		{"binding code", append(env, "TOKENBENCH_PASSWORD="+dinterotest.DemoPassword), token(srv.URL, "--grant", "password", "--username", dinterotest.DemoMFAUser),
			func(p *ptyRun) { p.waitText("Binding code from the sms: ") }},
		{"request in flight", env, token(hanging.URL),
			func(p *ptyRun) {
				select {
				case <-arrived:
				case <-time.After(20 * time.Second):
					t.Fatalf("no request arrived:\n%s", p.output())
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := startOnPTY(t, bin, c.env, c.args...)
			p.t = t
			c.ready(p)
			code := p.interruptAndWait()
			if code != ExitInterrupted {
				t.Errorf("exit code %d, want %d:\n%s", code, ExitInterrupted, p.output())
			}
			p.waitText("cancelled\r\n")
			if strings.Contains(p.output(), "error:") {
				t.Errorf("an interrupt is not an error:\n%s", p.output())
			}
			modes, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if modes.Lflag&unix.ECHO == 0 || modes.Lflag&unix.ICANON == 0 {
				t.Errorf("terminal left without echo or line mode (lflag %#x)", modes.Lflag)
			}
		})
	}
}

// TestPasswordPromptOnPTY types a password with a correction at the real
// prompt: it is not echoed, it is used, and the terminal echoes again after.
func TestPasswordPromptOnPTY(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	srv := fake(t)
	home := t.TempDir()
	p := startOnPTY(t, bin, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TOKENBENCH_CONFIG_DIR=" + home, "TERM=dumb", "TOKENBENCH_CLIENT_SECRET=" + dinterotest.DemoSecret},
		"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID, "--grant", "password", "--username", dinterotest.DemoUser)
	p.waitText("Password for " + dinterotest.DemoUser + ": ")
	if _, err := p.ptmx.Write([]byte(dinterotest.DemoPassword + "X\x7f\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("still running:\n%s", p.output())
	}
	p.waitText("eyJ")
	if code := p.cmd.ProcessState.ExitCode(); code != 0 || strings.Contains(p.output(), dinterotest.DemoPassword) {
		t.Fatalf("exit %d:\n%s", code, p.output())
	}
	modes, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
	if err != nil || modes.Lflag&unix.ECHO == 0 {
		t.Fatalf("echo not restored: %v %#x", err, modes.Lflag)
	}
}
