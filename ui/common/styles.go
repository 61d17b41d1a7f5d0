package common

import (
	"charm.land/lipgloss/v2"

	"github.com/tokenbench/tokenbench/client"
)

// Styles are built once from a theme; View() never makes new styles.
// Colours are adaptive, and the renderer drops them under NO_COLOR.
type Styles struct {
	Title     lipgloss.Style
	Crumb     lipgloss.Style
	Rule      lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Muted     lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	OK        lipgloss.Style
	Cursor    lipgloss.Style
	Selected  lipgloss.Style
	Test      lipgloss.Style
	Prod      lipgloss.Style
	Notice    lipgloss.Style
	Status    lipgloss.Style
	StatusErr lipgloss.Style
	Body      lipgloss.Style

	CountOK   lipgloss.Style
	CountWarn lipgloss.Style
	CountCrit lipgloss.Style
	Expired   lipgloss.Style
}

// Badge marks an account's environment: PROD in reverse red, TEST in green,
// and an id that is neither as what it is, unmarked.
func (s Styles) Badge(account string) string {
	switch {
	case client.ValidateOwnerID(account) != nil:
		return s.Warn.Render("? " + account)
	case client.IsProduction(account):
		return s.Prod.Render(" PROD " + account + " ")
	}
	return s.Test.Render("TEST " + account)
}

// DefaultStyles is the default theme for a dark or light background.
// lipgloss v2 does no terminal I/O: the background is asked for by the
// program (tea.RequestBackgroundColor) and the styles are rebuilt when the
// answer arrives; Bubble Tea downsamples the colours to the terminal's
// profile (none under NO_COLOR).
func DefaultStyles(isDark bool) Styles {
	c := lipgloss.LightDark(isDark)
	var (
		accent = c(lipgloss.Color("#5A56E0"), lipgloss.Color("#7D79F6"))
		muted  = c(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8A8A8A"))
		green  = c(lipgloss.Color("#0B7A3E"), lipgloss.Color("#3FD07F"))
		yellow = c(lipgloss.Color("#8A6100"), lipgloss.Color("#F2C94C"))
		orange = c(lipgloss.Color("#B54708"), lipgloss.Color("#FF9F43"))
		red    = c(lipgloss.Color("#B42318"), lipgloss.Color("#FF6B6B"))
	)
	s := Styles{}
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Crumb = lipgloss.NewStyle().Foreground(muted)
	s.Rule = lipgloss.NewStyle().Foreground(muted)
	s.Label = lipgloss.NewStyle().Foreground(muted).Width(11)
	s.Value = lipgloss.NewStyle()
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Error = lipgloss.NewStyle().Foreground(red)
	s.Warn = lipgloss.NewStyle().Foreground(yellow)
	s.OK = lipgloss.NewStyle().Foreground(green)
	s.Cursor = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Selected = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Test = lipgloss.NewStyle().Foreground(green).Bold(true)
	s.Prod = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(red)
	s.Notice = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(yellow).Padding(0, 1)
	s.Status = lipgloss.NewStyle().Foreground(green)
	s.StatusErr = lipgloss.NewStyle().Foreground(red)
	s.Body = lipgloss.NewStyle().Padding(0, 1)
	s.CountOK = lipgloss.NewStyle().Foreground(green).Bold(true)
	s.CountWarn = lipgloss.NewStyle().Foreground(yellow).Bold(true)
	s.CountCrit = lipgloss.NewStyle().Foreground(orange).Bold(true)
	s.Expired = lipgloss.NewStyle().Foreground(red).Bold(true).Reverse(true)
	return s
}
