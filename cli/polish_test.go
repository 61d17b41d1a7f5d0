package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Every command with --timeout refuses zero and negative values before
// doing anything (they meant no deadline).
func TestTimeoutMustBePositive(t *testing.T) {
	app := NewApp(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Flags().Lookup("timeout") != nil {
			paths = append(paths, path)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk(app.rootCmd(), nil)
	if len(paths) < 6 {
		t.Fatalf("only %d commands with --timeout: %v", len(paths), paths)
	}
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": filepath.Join(t.TempDir(), "cfg")}
	for _, path := range paths {
		for _, v := range []string{"0s", "-1s", "0"} {
			args := append(append([]string{}, path...), "--timeout", v)
			if path[0] == "profile" {
				args = append(args, "x")
			}
			r := runCLI(t, env, "", args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, "--timeout must be more than 0") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("%v: %+v", args, r)
			}
		}
	}
	if _, err := os.Stat(env["TOKENBENCH_CONFIG_DIR"]); err == nil {
		t.Error("a refused command wrote the config directory")
	}
}

// S8: a secret or grant_type as --param is refused, naming the proper
// flag or variable, and the value is not echoed.
func TestParamRefusesManagedFields(t *testing.T) {
	srv := fake(t)
	base := []string{"token", "--base-url", srv.URL, "--account", dinterotest.DemoAccount, "--client-id", dinterotest.DemoClientID}
	for key, want := range map[string]string{
		"password":      "TOKENBENCH_PASSWORD",
		"grant_type":    "--grant",
		"client_secret": "TOKENBENCH_CLIENT_SECRET",
		"refresh_token": "TOKENBENCH_REFRESH_TOKEN",
		"binding_code":  "--binding-code",
		"mfa_token":     "--mfa-token",
		"oob_code":      "--oob-code",
		"code":          "--code",
		"Password":      "TOKENBENCH_PASSWORD",
	} {
		r := runCLI(t, secretEnv, "", append(base, "--param", key+"=hunter2-value")...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "hunter2") || r.stdout != "" {
			t.Errorf("--param %s: %+v", key, r)
		}
	}
	if r := runCLI(t, secretEnv, "", append(base, "--param", "drift=yes")...); r.code != 0 {
		t.Errorf("an unmanaged field: %+v", r)
	}
}

// U9: exec exits as a shell would: 127 for a command not found (before a
// token is obtained), 128+N for a child killed by signal N; and demo
// --serve on a non-loopback address is a usage error.
func TestExecAndDemoExitCodes(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	kr := keyringtest.New()
	srv := fake(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	env := map[string]string{"TOKENBENCH_CONFIG_DIR": dir, "TOKENBENCH_CLIENT_SECRET": dinterotest.DemoSecret}
	if r := runWithKeyring(t, kr, env, "", "profile", "add", "demo", "--base-url", srv.URL, "--account", dinterotest.DemoAccount,
		"--client-id", dinterotest.DemoClientID); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	env = map[string]string{"TOKENBENCH_CONFIG_DIR": dir}
	r := runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", "/nonexistent/cmd")
	if r.code != 127 || r.stderr != "error: command not found: /nonexistent/cmd\n" {
		t.Errorf("not found: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", sh, "-c", "kill -TERM $$")
	if r.code != 128+15 {
		t.Errorf("killed by SIGTERM: %+v", r)
	}
	r = runWithKeyring(t, kr, env, "", "exec", "-p", "demo", "--", sh, "-c", "exit 7")
	if r.code != 7 {
		t.Errorf("exit 7: %+v", r)
	}
	r = runCLI(t, nil, "", "demo", "--serve", "--addr", "0.0.0.0:0")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "not loopback") {
		t.Errorf("demo on 0.0.0.0: %+v", r)
	}
}
