//go:build unix

package cli

import (
	"os"
	"os/signal"
	"syscall"
)

// onHangup calls clear when the terminal goes (SIGHUP: the window closed,
// the SSH connection dropped) or the user quits with ctrl+\ (SIGQUIT),
// whose default actions end the program at once, skipping the clearing a
// quit does. Then it asks the program to end as on SIGTERM (which Bubble
// Tea handles: the terminal is restored, and the clipboard checked once
// more). It returns the signal's exit code (0 until one came) and stop.
func onHangup(clear func()) (code func() int, stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGQUIT)
	done := make(chan struct{})
	got := make(chan int, 1)
	go func() {
		select {
		case s := <-sig:
			clear()
			got <- 128 + int(s.(syscall.Signal))
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		case <-done:
		}
	}()
	code = func() int {
		select {
		case c := <-got:
			got <- c
			return c
		default:
			return 0
		}
	}
	// stop keeps ignoring the two signals: the clipboard is cleared (or
	// being cleared) by then, and the program is about to end anyway.
	return code, func() { close(done) }
}
