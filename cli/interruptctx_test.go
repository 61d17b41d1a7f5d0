package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// decode of a token given as an argument never waits on its context, so
// it starts no signal handling; decode reading stdin catches ctrl+c as
// every other command does, and so does whatever waits on the context.
func TestInterruptsCaughtOnlyOnceWaitedFor(t *testing.T) {
	tok := unsignedJWT(`{"sub":"x"}`)
	run := func(stdin string, args ...string) *interruptContext {
		t.Helper()
		ictx := &interruptContext{Context: context.Background()}
		defer ictx.stop()
		app := NewApp(strings.NewReader(stdin), &bytes.Buffer{}, &bytes.Buffer{})
		app.env.isTerminal = func() bool { return false }
		app.now = func() time.Time { return fixedNow }
		if code := app.Run(ictx, args); code != 0 {
			t.Fatalf("%q: exit %d", args, code)
		}
		return ictx
	}
	if ictx := run("", "decode", tok); ictx.ctx != nil {
		t.Error("decode TOKEN caught interrupts")
	}
	if ictx := run(tok, "decode"); ictx.ctx == nil {
		t.Error("decode reading stdin did not catch interrupts")
	}

	parent, cancel := context.WithCancel(context.Background())
	ictx := &interruptContext{Context: parent}
	child, stopChild := context.WithTimeout(ictx, time.Hour)
	defer stopChild()
	if ictx.ctx == nil {
		t.Fatal("a derived context does not wait on it")
	}
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the parent's cancel did not reach the child")
	}
	if ictx.Err() == nil {
		t.Fatal("no error after the parent's cancel")
	}
	ictx.stop()
	late := &interruptContext{Context: context.Background()}
	late.stop()
	if late.ctx != nil || late.Done() != nil || late.Err() != nil {
		t.Error("stop caught interrupts, or Done after stop is not the parent's")
	}
}

// ctrl+c while decode waits for a token on a stdin that gives nothing (a
// terminal, a stalled pipe) cancels at once: "cancelled", exit 130, not a
// wait for an end of input that may never come.
func TestDecodeWaitingOnStdinIsCancelled(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	var stderr bytes.Buffer
	app := NewApp(r, &bytes.Buffer{}, &stderr)
	app.env.isTerminal = func() bool { return false }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- app.Run(ctx, []string{"decode"}) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != ExitInterrupted || !strings.Contains(stderr.String(), "cancelled") {
			t.Fatalf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("decode still waits on stdin after the interrupt")
	}
}
