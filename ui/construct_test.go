package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/components/form"
	"github.com/tokenbench/tokenbench/ui/pages/request"
)

// Test helpers that build a state through the workbench's own navigation,
// as a key would: they construct, they read nothing.

// openPage shows p on top, as an openPageMsg from a page would.
func (m *Model) openPage(p common.Page) {
	m.Update(common.OpenPageMsg{Page: p})
}

// openFormPage opens f as the request's form.
func (m *Model) openFormPage(f form.Model) {
	m.flow.forms.openFormWith(f, request.Setup{})
	m.size()
}

// openDiagnose opens the diagnose screen as the token view's u would.
func (m *Model) openDiagnose(src common.DiagnoseSource, user string) tea.Cmd {
	cmd := m.flow.openDiagnose(src, user)
	m.size()
	return cmd
}
