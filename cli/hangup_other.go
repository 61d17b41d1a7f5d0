//go:build !unix

package cli

// onHangup: there is no SIGHUP or SIGQUIT to catch here; a closed console
// window ends the program as the platform does.
func onHangup(func()) (code func() int, stop func()) {
	return func() int { return 0 }, func() {}
}
