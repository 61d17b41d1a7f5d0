package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/mfa"
	"github.com/tokenbench/tokenbench/ui/pages/recovery"
	"github.com/tokenbench/tokenbench/ui/pages/sending"
)

// arrivals reports the async results the program hands to Update, so a test
// can send its next key once the screen has what it needs, without polling
// the output or sleeping.
type arrivals chan tea.Msg

func (a arrivals) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case sending.SentMsg, mfa.ChallengeMsg, mfa.VerifyMsg, recovery.AnswerMsg, common.NavTokenMsg, common.MFATokenMsg:
		a <- msg
	}
	return msg
}

func (a arrivals) wait(t *testing.T, what string) tea.Msg {
	t.Helper()
	select {
	case msg := <-a:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer while waiting for %s", what)
		return nil
	}
}

// TestMFAFlowWithLiveRenderer runs the whole MFA flow in a real Bubble Tea
// program with its renderer drawing (spinner frames included) while the
// challenge and verify commands run: under -race this catches any command
// that writes state View reads (issue 9, item 16).
func TestMFAFlowWithLiveRenderer(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	got := make(arrivals, 16)
	tm := teatest.NewTestModel(t, New(ctx), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(got.filter)))

	tm.Send(uitest.Key("j"))
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "mfa_required").(sending.SentMsg).Msg.(resultMsg); msg.session == nil {
		t.Fatalf("no MFA session: %v", msg.err)
	}
	// The connection's channel (SMS) is challenged at once.
	if msg := got.wait(t, "the challenge").(mfa.ChallengeMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	code := srv.LastBindingCode(dinterotest.DemoMFAUser)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	tm.Type(wrong)
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "the wrong code's answer").(mfa.VerifyMsg); msg.Err == nil {
		t.Fatal("a wrong code was accepted")
	}
	tm.Send(uitest.Key("ctrl+w")) // switch to e-mail: a new challenge
	if msg := got.wait(t, "the second challenge").(mfa.ChallengeMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	tm.Type(srv.LastBindingCode(dinterotest.DemoMFAUser))
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "the token").(mfa.VerifyMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	got.wait(t, "the token shown") // the MFA screen hands it to the root
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	view := viewText(final)
	if !strings.Contains(view, "password via MFA") || strings.Contains(view, code) {
		t.Fatalf("final screen:\n%s", view)
	}
}

// TestRecoveryWithLiveRenderer runs the lost-device recovery in a real
// program with its renderer drawing while the recovery's commands run: under
// -race this catches a command writing the session View reads.
func TestRecoveryWithLiveRenderer(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	got := make(arrivals, 16)
	tm := teatest.NewTestModel(t, New(flowContext(t, clk, srv)), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(got.filter)))
	for range 3 {
		tm.Send(uitest.Key("j"))
	}
	tm.Send(uitest.Key("enter"))
	got.wait(t, "mfa_required")
	got.wait(t, "the challenge")
	tm.Send(uitest.Key("L"))
	// L asks before the first code goes out: y once the question shows.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Start the lost-device recovery")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(uitest.Key("y"))
	if msg := got.wait(t, "the recovery call").(recovery.AnswerMsg); msg.Err != nil {
		t.Fatal(msg.Err)
	}
	first := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	tm.Type(wrongCode(first))
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "the wrong first code").(recovery.AnswerMsg); msg.Err == nil {
		t.Fatal("a wrong code was accepted")
	}
	tm.Type(first)
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "step 2").(recovery.AnswerMsg); msg.Err != nil || msg.Session.Step != 2 {
		t.Fatalf("step 1: %v", msg.Err)
	}
	second := srv.LastBindingCode(dinterotest.DemoLostDeviceUser)
	tm.Type(wrongCode(second))
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "the wrong second code").(recovery.AnswerMsg); msg.Err == nil {
		t.Fatal("a wrong second code was accepted")
	}
	tm.Type(second)
	tm.Send(uitest.Key("enter"))
	if msg := got.wait(t, "the token").(recovery.AnswerMsg); msg.Err != nil || msg.Res == nil {
		t.Fatalf("step 2: %v", msg.Err)
	}
	got.wait(t, "the token shown") // the page hands it to the root
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	view := viewText(final)
	if !strings.Contains(view, "user:"+dinterotest.DemoLostDeviceUser) || strings.Contains(view, second) {
		t.Fatalf("final screen:\n%s", view)
	}
}
