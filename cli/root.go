// Package cli is tokenbench's command line: the headless commands for
// scripts and the entry into the workbench.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/textsafe"
)

// App holds what the commands write to and read from, so tests can run them
// in-process.
type App struct {
	stdout io.Writer
	stderr io.Writer
	env    *env
	now    func() time.Time
	// configDir is --config-dir.
	configDir string
	// ctx is the context of the command line being run: prompts that are
	// not handed one end with it (an interrupt).
	ctx context.Context
	// allCommands builds every command whatever the command line runs
	// (tests compare the two trees).
	allCommands bool
	// cmd is the command running: hints name only the flags it takes.
	cmd *cobra.Command
	// openURL opens a URL in the user's browser (tests act as the browser
	// through $BROWSER); after is the clock a browser login times out by.
	openURL func(string) error
	after   func(time.Duration) <-chan time.Time
}

// runContext is the context of the running command line.
func (app *App) runContext() context.Context {
	if app.ctx == nil {
		return context.Background()
	}
	return app.ctx
}

// NewApp returns an App on the process's standard streams.
func NewApp(stdin io.Reader, stdout, stderr io.Writer) *App {
	app := &App{stdout: stdout, stderr: stderr, env: osEnv(stdin, stderr), now: time.Now, after: time.After}
	app.openURL = app.openBrowser
	return app
}

// Execute runs the command line and returns the process exit code. An
// interrupt (ctrl+c) cancels whatever the command is doing — a prompt, a
// wait for the binding code, a request in flight — rather than killing the
// process, so the terminal is restored and the exit is ExitInterrupted.
func Execute(ctx context.Context, args []string) int {
	ictx := &interruptContext{Context: ctx}
	defer ictx.stop()
	if commandName(args) != "decode" {
		// Every other command may change the terminal, prompt or start a
		// child before it first waits on its context: catch ctrl+c now.
		ictx.Done()
	}
	app := NewApp(os.Stdin, os.Stdout, os.Stderr)
	return app.Run(ictx, args)
}

// interruptContext is its parent, also cancelled by an interrupt (ctrl+c)
// from the first call of Done or Err on. Until then no signal is caught
// and no goroutine runs for it: decoding a token given as an argument
// never waits on its context and exits before it would matter, and
// signal.NotifyContext (the signal loop, its goroutine, the first
// goroutine stacks) is a good part of its start-up. Anything that waits on
// the context calls Done first, which catches interrupts from then on.
type interruptContext struct {
	context.Context
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
}

func (c *interruptContext) catch() context.Context {
	c.once.Do(func() { c.ctx, c.cancel = signal.NotifyContext(c.Context, os.Interrupt) })
	if c.ctx == nil {
		return c.Context // stopped before anything waited
	}
	return c.ctx
}

// Done implements context.Context.
func (c *interruptContext) Done() <-chan struct{} { return c.catch().Done() }

// Err implements context.Context.
func (c *interruptContext) Err() error { return c.catch().Err() }

// stop stops catching interrupts.
func (c *interruptContext) stop() {
	c.once.Do(func() {}) // nothing to stop when nothing was caught
	if c.cancel != nil {
		c.cancel()
	}
}

// Run runs one command line and returns its exit code; errors are printed
// as one line on stderr. A command that fails after ctx was cancelled (an
// interrupt) says "cancelled" and exits ExitInterrupted, whatever the
// failure looked like.
func (app *App) Run(ctx context.Context, args []string) int {
	app.ctx = ctx
	root := app.rootCmd(args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && (ctx.Err() != nil || errors.Is(err, errInterrupted)) {
		if app.env.isTerminal() {
			// The cursor is after a prompt or the terminal's ^C.
			io.WriteString(app.stderr, "\n")
		}
		io.WriteString(app.stderr, "cancelled\n")
		return ExitInterrupted
	}
	code := ExitCode(err)
	if err != nil && err.Error() != "" {
		io.WriteString(app.stderr, "error: "+textsafe.Sanitize(errorMessage(err))+"\n")
	}
	return code
}

// subcommands are the root's commands, in the order help lists them.
var subcommands = []struct {
	name string
	cmd  func(*App) *cobra.Command
}{
	{"token", newTokenCmd}, {"doctor", newDoctorCmd}, {"decode", newDecodeCmd}, {"demo", newDemoCmd},
	{"version", newVersionCmd}, {"profile", newProfileCmd}, {"exec", newExecCmd},
	{"recover", newRecoverCmd}, {"revoke", newRevokeCmd},
}

// commandName is the subcommand a command line runs, when that is plain:
// its first word, after nothing but --config-dir. Anything else (no
// command, help, completion, an unknown word, another flag first) is "",
// and the whole tree is built, so cobra answers exactly as it always has.
func commandName(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config-dir":
			i++ // its value
		case strings.HasPrefix(a, "--config-dir="):
		case strings.HasPrefix(a, "-"):
			return ""
		default:
			return a
		}
	}
	return ""
}

// rootCmd builds the command tree for args: the root and only the
// subcommand args run, when commandName names one, else every command.
// Building all nine (their flags, their defaults) is a good part of a short
// command's start-up; what the one command does is the same either way.
func (app *App) rootCmd(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "tokenbench",
		Short: "A terminal workbench for Dintero access tokens",
		Long: `tokenbench gets access tokens from Dintero's auth API by every grant type,
walks through the MFA challenge, and shows what came back: decoded claims,
scopes, a live expiry countdown, refresh and copy.

Run it with no arguments for the interactive workbench, or try
'tokenbench demo' to use it against a built-in fake server.

Exit codes: 0 ok, 1 other, 2 usage or invalid input, 3 MFA needs a binding
code, 4 rejected by the server, 5 transport or server failure, 130
interrupted (ctrl+c: "cancelled" on stderr). exec exits with its command's
code, 128+N when signal N killed it, 127 when the command is not found and
126 when it cannot be run.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return app.runTUI(cmd.Context(), tuiConfig{})
		},
	}
	root.SetOut(app.stdout)
	root.SetErr(app.stderr)
	root.SetIn(app.env.stdin)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if c == root {
			// "doctr --user x": the flag is not the root's because the
			// command is mistyped; say that.
			if word := commandName(args); word != "" {
				if cerr := noArgs(root, []string{word}); cerr != nil {
					return cerr
				}
			}
		}
		return &usageError{err}
	})
	name := commandName(args)
	if app.allCommands {
		name = ""
	}
	for _, sc := range subcommands {
		if name == "" || sc.name == name {
			root.AddCommand(sc.cmd(app))
		}
	}
	if name != "" && !root.HasSubCommands() {
		// Not a command of ours: build them all for cobra's "unknown
		// command" and its suggestions.
		for _, sc := range subcommands {
			root.AddCommand(sc.cmd(app))
		}
	}
	root.PersistentFlags().StringVar(&app.configDir, "config-dir", "", "directory of profiles.yaml (default $TOKENBENCH_CONFIG_DIR, else the OS config dir + /tokenbench)")
	root.Flags().Bool("version", false, "print version, commit, build date and Go version")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		app.cmd = cmd
		if err := checkEmptyPaths(cmd); err != nil {
			return err
		}
		return checkTimeout(cmd)
	}
	root.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if v, _ := cmd.Flags().GetBool("version"); v {
			if err := ReadBuildInfo().write(app.stdout); err != nil {
				return err
			}
			return &exitError{code: ExitOK}
		}
		return nil
	}
	return root
}

// pathFlags are the flags that name a file or directory.
var pathFlags = []string{"har", "bundle", "client-secret-file", "bearer-file", "password-file", "refresh-token-file", "ca-file", "config-dir"}

// checkEmptyPaths refuses a path flag given as "" (--har "", an unset
// variable in a script): it would otherwise mean the flag was not given,
// and the run would write or read nothing, with exit 0.
func checkEmptyPaths(cmd *cobra.Command) error {
	for _, name := range pathFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() == "" {
			return &usageError{fmt.Errorf("--%s: the path is empty", name)}
		}
	}
	// So is -p "": it would run without a profile, from flags and the
	// environment alone.
	if f := cmd.Flags().Lookup("profile"); f != nil && f.Changed && f.Value.String() == "" {
		return &usageError{errors.New("--profile: the profile name is empty")}
	}
	return nil
}

// checkTimeout refuses a --timeout of zero or less on any command that has
// one: it would mean no deadline, or one already passed.
func checkTimeout(cmd *cobra.Command) error {
	f := cmd.Flags().Lookup("timeout")
	if f == nil || !f.Changed {
		return nil
	}
	if d, err := time.ParseDuration(f.Value.String()); err == nil && d <= 0 {
		return &usageError{fmt.Errorf("--timeout must be more than 0 (got %s)", f.Value.String())}
	}
	return nil
}
