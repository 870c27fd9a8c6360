"""Go sources of the sample repository: the Tongs CLI and the Hearth pager."""

from __future__ import annotations

import base64
import random

from .company import Person
from .prose import fill

TONGS_MAIN = """// Command tongs is Acme Robotics' internal CLI: one entry point for Anvil, Foundry, Lockbox
// and the kiln clusters. To log in to internal tools, run `tongs login`, which opens Gatehouse
// in your browser.
package main

import (
	"os"

	"git.acme.internal/devex/tongs/cmd"
)

func main() {
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
"""

TONGS_ROOT = """// Package cmd holds the tongs subcommands, one file per command group.
package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"git.acme.internal/devex/tongs/internal/config"
)

var (
	cfgFile string
	verbose bool
	cfg     *config.Config
)

var rootCmd = &cobra.Command{
	Use:   "tongs",
	Short: "Acme Robotics' internal CLI",
	Long: `Tongs wraps Anvil, Foundry and Lockbox behind one command.

Start with 'tongs login', then 'tongs doctor' to check your setup.
Questions go to #tongs-dev (Developer Experience team).`,
	SilenceUsage: true,
	PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
		loaded, err := config.Load(cfgFile)
		if err != nil {
			return fmt.Errorf("loading %s: %w", cfgFile, err)
		}
		cfg = loaded
		return nil
	},
}

// Execute runs the root command; main calls it and exits non-zero on error.
func Execute() error {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "tongs:", err)
		return err
	}
	return nil
}

func init() {
	rootCmd.PersistentFlags().StringVar(&cfgFile, "config", config.DefaultPath(), "config file")
	rootCmd.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "print every request")
}
"""

TONGS_LOGIN = """package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"git.acme.internal/devex/tongs/internal/gatehouse"
)

// loginCmd runs the Gatehouse device flow and stores the token in the OS keychain.
// Single sign-on for internal tools goes through Gatehouse, and `tongs login` refreshes
// your Gatehouse token.
var loginCmd = &cobra.Command{
	Use:   "login",
	Short: "Sign in through Gatehouse",
	RunE: func(cmd *cobra.Command, args []string) error {
		ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Minute)
		defer cancel()
		client := gatehouse.New(cfg.GatehouseURL)
		code, err := client.StartDeviceFlow(ctx)
		if err != nil {
			return fmt.Errorf("gatehouse unreachable: %w", err)
		}
		fmt.Printf("Open %s and enter %s\\n", code.VerificationURL, code.UserCode)
		token, err := client.PollToken(ctx, code)
		if err != nil {
			return err
		}
		if err := gatehouse.SaveToken(token); err != nil {
			return fmt.Errorf("saving token to keychain: %w", err)
		}
		fmt.Printf("Logged in as %s until %s\\n", token.Subject, token.Expiry.Format(time.Kitchen))
		return nil
	},
}

var tokenCmd = &cobra.Command{
	Use:    "token",
	Short:  "Print a valid Gatehouse token (for scripts such as anvil)",
	Hidden: true,
	RunE: func(cmd *cobra.Command, args []string) error {
		token, err := gatehouse.LoadToken()
		if err != nil || token.Expired() {
			return fmt.Errorf("no valid token; run `tongs login`")
		}
		fmt.Println(token.Raw)
		return nil
	},
}

func init() {
	rootCmd.AddCommand(loginCmd, tokenCmd)
}
"""

TONGS_DOCTOR = """package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"git.acme.internal/devex/tongs/internal/gatehouse"
)

// A check is one thing `tongs doctor` verifies; Fix is optional.
type check struct {
	Name string
	Run  func() error
	Fix  func() error
}

// checks lists what doctor verifies, in order: later checks need the earlier ones.
func checks() []check {
	return []check{
		{Name: "gatehouse token", Run: func() error {
			t, err := gatehouse.LoadToken()
			if err != nil {
				return err
			}
			if t.Expired() {
				return fmt.Errorf("token expired; run `tongs login`")
			}
			return nil
		}},
		{Name: "kiln access", Run: kilnAccess, Fix: rewriteKubeconfig},
		{Name: "lockbox permissions", Run: lockboxPermissions},
	}
}

var fix bool

// doctorCmd: to check your local setup, run `tongs doctor`; it checks your Gatehouse token,
// your kiln access and your Lockbox permissions.
var doctorCmd = &cobra.Command{
	Use:   "doctor",
	Short: "Check your local setup",
	RunE: func(cmd *cobra.Command, args []string) error {
		failed := runChecks(checks(), fix, func(format string, a ...any) { fmt.Printf(format, a...) })
		if failed > 0 {
			return fmt.Errorf("%d check(s) failed", failed)
		}
		return nil
	},
}

func runChecks(list []check, fix bool, printf func(string, ...any)) int {
	failed := 0
	for _, c := range list {
		err := c.Run()
		if err != nil && fix && c.Fix != nil {
			if fixErr := c.Fix(); fixErr == nil {
				err = c.Run()
			}
		}
		if err != nil {
			failed++
			printf("✗ %s: %v\\n", c.Name, err)
			continue
		}
		printf("✓ %s\\n", c.Name)
	}
	return failed
}

func init() {
	doctorCmd.Flags().BoolVar(&fix, "fix", false, "try to repair what is broken")
	rootCmd.AddCommand(doctorCmd)
}
"""

TONGS_DOCTOR_TEST = """package cmd

import (
	"errors"
	"testing"
)

func TestRunChecksCountsFailures(t *testing.T) {
	list := []check{
		{Name: "ok", Run: func() error { return nil }},
		{Name: "broken", Run: func() error { return errors.New("nope") }},
	}
	if got := runChecks(list, false, func(string, ...any) {}); got != 1 {
		t.Fatalf("want 1 failure, got %d", got)
	}
}

func TestFixIsRetried(t *testing.T) {
	fixed := false
	list := []check{{
		Name: "kiln access",
		Run: func() error {
			if !fixed {
				return errors.New("stale kubeconfig")
			}
			return nil
		},
		Fix: func() error { fixed = true; return nil },
	}}
	if got := runChecks(list, true, func(string, ...any) {}); got != 0 {
		t.Fatalf("fix should have repaired the check, got %d failures", got)
	}
}
"""

TONGS_FOUNDRY = """package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
)

var owner string

var foundryCmd = &cobra.Command{Use: "foundry", Short: "Work with Foundry datasets and ingots"}

// To create a new Foundry dataset, run `tongs foundry create <name> --owner <team>`.
var foundryCreateCmd = &cobra.Command{
	Use:   "create <name>",
	Short: "Create a Foundry dataset",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		if owner == "" {
			return fmt.Errorf("--owner is required: every dataset belongs to a team")
		}
		body := map[string]string{"name": args[0], "owner": owner}
		if err := api().Post("/v2/datasets", body, nil); err != nil {
			return err
		}
		fmt.Printf("created %s (owner %s); its first ingot appears after the first pipeline run\\n", args[0], owner)
		return nil
	},
}

// Failed Foundry jobs are moved to the slag queue, where `tongs foundry replay` can retry them.
var foundryReplayCmd = &cobra.Command{
	Use:   "replay <dataset>",
	Short: "Retry the jobs of a dataset that sit in the slag queue",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		var out struct {
			Replayed int `json:"replayed"`
		}
		if err := api().Post("/v2/datasets/"+args[0]+"/slag/replay", nil, &out); err != nil {
			return err
		}
		fmt.Printf("replayed %d job(s) of %s\\n", out.Replayed, args[0])
		return nil
	},
}

var foundryLsCmd = &cobra.Command{
	Use:   "ls",
	Short: "List datasets, optionally of one owner team",
	RunE: func(cmd *cobra.Command, args []string) error {
		var out struct {
			Datasets []string `json:"datasets"`
		}
		if err := api().Get("/v2/datasets?owner="+owner, &out); err != nil {
			return err
		}
		for _, d := range out.Datasets {
			fmt.Println(d)
		}
		return nil
	},
}

func init() {
	foundryCreateCmd.Flags().StringVar(&owner, "owner", "", "owning team, e.g. data-infrastructure")
	foundryLsCmd.Flags().StringVar(&owner, "owner", "", "only datasets of this team")
	foundryCmd.AddCommand(foundryCreateCmd, foundryReplayCmd, foundryLsCmd)
	rootCmd.AddCommand(foundryCmd)
}
"""

TONGS_LOCKBOX = """package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var lockboxCmd = &cobra.Command{Use: "lockbox", Short: "Read and write secrets in Lockbox"}

// To fetch a secret from Lockbox, run `tongs lockbox get <path>`; the value is never printed
// to logs. With --out the value goes to a file readable only by you.
var lockboxGetCmd = &cobra.Command{
	Use:   "get <team>/<service>/<name>",
	Short: "Fetch a secret",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		var out struct {
			Value string `json:"value"`
		}
		if err := api().Get("/lockbox/v1/secrets/"+args[0], &out); err != nil {
			return err
		}
		if outFile != "" {
			return os.WriteFile(outFile, []byte(out.Value), 0o600)
		}
		fmt.Print(out.Value)
		return nil
	},
}

var outFile string

func init() {
	lockboxGetCmd.Flags().StringVar(&outFile, "out", "", "write the value to this file (mode 0600)")
	lockboxCmd.AddCommand(lockboxGetCmd)
	rootCmd.AddCommand(lockboxCmd)
}
"""

TONGS_KILN = """package cmd

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/spf13/cobra"
)

var clusters = map[string]string{"staging": "kiln-staging", "prod": "kiln-prod"}

var kilnCmd = &cobra.Command{Use: "kiln", Short: "Point kubectl at a kiln cluster"}

var kilnUseCmd = &cobra.Command{
	Use:       "use <staging|prod>",
	Short:     "Switch kubectl to kiln-staging or kiln-prod with your Gatehouse identity",
	Args:      cobra.ExactArgs(1),
	ValidArgs: []string{"staging", "prod"},
	RunE: func(cmd *cobra.Command, args []string) error {
		cluster, ok := clusters[args[0]]
		if !ok {
			return fmt.Errorf("unknown environment %q", args[0])
		}
		c := exec.Command("kubectl", "config", "use-context", cluster)
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		return c.Run()
	},
}

func kilnAccess() error {
	return exec.Command("kubectl", "--context", "kiln-staging", "auth", "can-i", "get", "pods").Run()
}

func rewriteKubeconfig() error {
	return exec.Command("kubectl", "config", "set-credentials", "gatehouse", "--exec-command=tongs").Run()
}

func lockboxPermissions() error {
	return api().Get("/lockbox/v1/whoami", nil)
}

func init() {
	kilnCmd.AddCommand(kilnUseCmd)
	rootCmd.AddCommand(kilnCmd)
}
"""

TONGS_API = """package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"git.acme.internal/devex/tongs/internal/gatehouse"
)

// apiClient calls internal HTTP APIs with the caller's Gatehouse token.
type apiClient struct {
	base string
	http *http.Client
}

func api() *apiClient {
	return &apiClient{base: cfg.APIURL, http: &http.Client{Timeout: 15 * time.Second}}
}

func (c *apiClient) do(method, path string, body, out any) error {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(method, c.base+path, &buf)
	if err != nil {
		return err
	}
	token, err := gatehouse.LoadToken()
	if err != nil {
		return fmt.Errorf("not logged in; run `tongs login`")
	}
	req.Header.Set("Authorization", "Bearer "+token.Raw)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (c *apiClient) Get(path string, out any) error        { return c.do(http.MethodGet, path, nil, out) }
func (c *apiClient) Post(path string, body, out any) error { return c.do(http.MethodPost, path, body, out) }
"""

TONGS_CONFIG = """// Package config loads ~/.config/tongs/config.yaml.
package config

import (
	"errors"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Config is what tongs needs to find the internal services.
type Config struct {
	GatehouseURL string `yaml:"gatehouse_url"`
	APIURL       string `yaml:"api_url"`
	DefaultEnv   string `yaml:"default_env"`
}

// Defaults work for every laptop on the office network or VPN.
func Defaults() *Config {
	return &Config{
		GatehouseURL: "https://gatehouse.acme.internal",
		APIURL:       "https://foundry-api.acme.internal",
		DefaultEnv:   "staging",
	}
}

// DefaultPath is where tongs looks for its config file.
func DefaultPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "tongs.yaml"
	}
	return filepath.Join(dir, "tongs", "config.yaml")
}

// Load reads path over the defaults; a missing file is not an error.
func Load(path string) (*Config, error) {
	cfg := Defaults()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(data, cfg); err != nil {
		return nil, err
	}
	if cfg.DefaultEnv != "staging" && cfg.DefaultEnv != "prod" {
		return nil, errors.New("default_env must be staging or prod")
	}
	return cfg, nil
}
"""

TONGS_CONFIG_TEST = """package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMissingFileGivesDefaults(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GatehouseURL != "https://gatehouse.acme.internal" {
		t.Fatalf("unexpected default %q", cfg.GatehouseURL)
	}
}

func TestRejectsUnknownEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("default_env: qa\\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Fatal("want an error for default_env qa")
	}
}
"""

TONGS_GATEHOUSE = """// Package gatehouse talks to Gatehouse, Acme's single sign-on service, and keeps the token in
// the OS keychain.
package gatehouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/zalando/go-keyring"
)

const keyringService = "tongs-gatehouse"

// Token is a Gatehouse access token with the claims tongs needs.
type Token struct {
	Raw     string    `json:"raw"`
	Subject string    `json:"sub"`
	Expiry  time.Time `json:"exp"`
}

// Expired reports whether the token is past its expiry, with a minute of slack for clock skew.
func (t Token) Expired() bool { return time.Now().Add(time.Minute).After(t.Expiry) }

// DeviceCode is what the user types into the Gatehouse page.
type DeviceCode struct {
	DeviceCode      string `json:"device_code"`
	UserCode        string `json:"user_code"`
	VerificationURL string `json:"verification_uri"`
	Interval        int    `json:"interval"`
}

// Client speaks the OAuth device flow to Gatehouse.
type Client struct {
	base string
	http *http.Client
}

func New(base string) *Client { return &Client{base: base, http: &http.Client{Timeout: 10 * time.Second}} }

func (c *Client) StartDeviceFlow(ctx context.Context) (*DeviceCode, error) {
	form := url.Values{"client_id": {"tongs"}, "scope": {"openid tools"}}
	var code DeviceCode
	if err := c.postForm(ctx, "/oauth/device/code", form, &code); err != nil {
		return nil, err
	}
	return &code, nil
}

// PollToken waits until the user approved the device code, as the device flow prescribes.
func (c *Client) PollToken(ctx context.Context, code *DeviceCode) (*Token, error) {
	form := url.Values{
		"client_id":   {"tongs"},
		"device_code": {code.DeviceCode},
		"grant_type":  {"urn:ietf:params:oauth:grant-type:device_code"},
	}
	for {
		var tok Token
		err := c.postForm(ctx, "/oauth/token", form, &tok)
		if err == nil {
			return &tok, nil
		}
		if !errors.Is(err, errPending) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("login not approved in time")
		case <-time.After(time.Duration(code.Interval) * time.Second):
		}
	}
}

var errPending = errors.New("authorization pending")

func (c *Client) postForm(ctx context.Context, path string, form url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, nil)
	if err != nil {
		return err
	}
	req.URL.RawQuery = form.Encode()
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusPreconditionRequired {
		return errPending
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("gatehouse: %s", resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// SaveToken stores the token in the OS keychain, never in a file.
func SaveToken(t *Token) error {
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return keyring.Set(keyringService, "default", string(data))
}

// LoadToken reads the token that `tongs login` saved.
func LoadToken() (*Token, error) {
	data, err := keyring.Get(keyringService, "default")
	if err != nil {
		return nil, err
	}
	var t Token
	return &t, json.Unmarshal([]byte(data), &t)
}
"""

HEARTH_MAIN = """// Command hearth-pager turns Bellows alerts into pages and incidents.
//
// Pages and incidents are handled in Hearth, which pages the on-call engineer and opens an INC
// ticket. Maintainer: {{maintainer}} <{{maintainer_email}}>.
package main

import (
	"log"
	"net/http"
	"os"

	"git.acme.internal/sre/hearth/notify"
	"git.acme.internal/sre/hearth/pager"
)

func main() {
	notifier := notify.NewSlack(os.Getenv("HEARTH_SLACK_CHANNEL"))
	p := pager.New(pager.LoadRotation("/etc/hearth/rotation.yaml"), notifier)
	http.HandleFunc("/v1/alerts", p.HandleAlert)
	http.HandleFunc("/v1/ack", p.HandleAck)
	log.Println("hearth-pager listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
"""

HEARTH_PAGER = """// Package pager decides whom to page for an alert and tracks acknowledgements.
package pager

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Severity follows the incident handbook: SEV1 pages at once, SEV3 and SEV4 never page at night.
type Severity int

const (
	SEV1 Severity = iota + 1
	SEV2
	SEV3
	SEV4
)

// Alert is what Bellows posts to /v1/alerts.
type Alert struct {
	Name     string   `json:"name"`
	Service  string   `json:"service"`
	Severity Severity `json:"severity"`
	Cluster  string   `json:"cluster"`
}

// Incident is opened for every alert that pages.
type Incident struct {
	ID       string
	Alert    Alert
	Opened   time.Time
	AckedBy  string
	Escalate time.Time
}

// Notifier delivers a page; Slack and phone calls implement it.
type Notifier interface {
	Page(person OnCall, inc *Incident) error
}

// Pager holds open incidents.
type Pager struct {
	mu        sync.Mutex
	rotation  Rotation
	notifier  Notifier
	incidents map[string]*Incident
	next      int
	now       func() time.Time
}

func New(r Rotation, n Notifier) *Pager {
	return &Pager{rotation: r, notifier: n, incidents: map[string]*Incident{}, next: 2000, now: time.Now}
}

// Open creates an incident for a paging alert and pages the primary on-call.
func (p *Pager) Open(a Alert) (*Incident, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	inc := &Incident{ID: fmt.Sprintf("INC-%d", p.next), Alert: a, Opened: p.now()}
	inc.Escalate = inc.Opened.Add(AckDeadline(a.Severity))
	p.incidents[inc.ID] = inc
	return inc, p.notifier.Page(p.rotation.Primary(inc.Opened), inc)
}

// Ack records who took the incident; the first acknowledgement wins.
func (p *Pager) Ack(id, who string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	inc, ok := p.incidents[id]
	if !ok {
		return fmt.Errorf("no incident %s", id)
	}
	if inc.AckedBy == "" {
		inc.AckedBy = who
	}
	return nil
}

func (p *Pager) HandleAlert(w http.ResponseWriter, r *http.Request) {
	var a Alert
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
		http.Error(w, "bad alert: "+err.Error(), http.StatusBadRequest)
		return
	}
	inc, err := p.Open(a)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"incident": inc.ID})
}

func (p *Pager) HandleAck(w http.ResponseWriter, r *http.Request) {
	if err := p.Ack(r.URL.Query().Get("incident"), r.URL.Query().Get("user")); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
	}
}
"""

HEARTH_ESCALATION = """package pager

import "time"

// AckDeadline is how long Hearth waits for an acknowledgement before paging the secondary.
// A SEV1 page must be acknowledged in Hearth within 10 minutes, or Hearth escalates to the
// secondary on-call.
func AckDeadline(s Severity) time.Duration {
	switch s {
	case SEV1:
		return 10 * time.Minute
	case SEV2:
		return 30 * time.Minute
	default:
		return 24 * time.Hour // SEV3/SEV4 open a ticket instead of paging at night
	}
}

// OnCall is one person in the rotation.
type OnCall struct {
	Name  string
	Phone string
	Slack string
}

// Rotation changes primary every Monday at 10:00 Pacific.
type Rotation struct {
	People []OnCall
	Start  time.Time
}

func (r Rotation) Primary(at time.Time) OnCall {
	weeks := int(at.Sub(r.Start).Hours() / (24 * 7))
	return r.People[weeks%len(r.People)]
}

func (r Rotation) Secondary(at time.Time) OnCall {
	weeks := int(at.Sub(r.Start).Hours() / (24 * 7))
	return r.People[(weeks+1)%len(r.People)]
}

// Overdue lists incidents whose acknowledgement deadline passed, for the escalation loop.
func (p *Pager) Overdue() []*Incident {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*Incident
	for _, inc := range p.incidents {
		if inc.AckedBy == "" && p.now().After(inc.Escalate) {
			out = append(out, inc)
		}
	}
	return out
}

// LoadRotation reads the rotation file that SRE maintains.
func LoadRotation(path string) Rotation {
	return Rotation{Start: time.Date(2024, 1, 1, 18, 0, 0, 0, time.UTC)}
}
"""

HEARTH_TEST = """package pager

import (
	"testing"
	"time"
)

type recorder struct{ paged []string }

func (r *recorder) Page(p OnCall, inc *Incident) error {
	r.paged = append(r.paged, p.Name)
	return nil
}

var rotation = Rotation{
	People: []OnCall{
		{Name: "{{p1}}", Phone: "{{phone1}}", Slack: "{{slack1}}"},
		{Name: "{{p2}}", Phone: "{{phone2}}", Slack: "{{slack2}}"},
	},
	Start: time.Date(2024, 1, 1, 18, 0, 0, 0, time.UTC),
}

func TestSev1EscalatesAfterTenMinutes(t *testing.T) {
	now := time.Date(2024, 1, 3, 12, 0, 0, 0, time.UTC)
	p := New(rotation, &recorder{})
	p.now = func() time.Time { return now }
	inc, err := p.Open(Alert{Name: "error-rate", Service: "foundry-api", Severity: SEV1})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(11 * time.Minute)
	if got := p.Overdue(); len(got) != 1 || got[0].ID != inc.ID {
		t.Fatalf("want %s overdue, got %v", inc.ID, got)
	}
}

func TestAckStopsEscalation(t *testing.T) {
	p := New(rotation, &recorder{})
	inc, _ := p.Open(Alert{Name: "queue-depth", Service: "hearth-pager", Severity: SEV1})
	if err := p.Ack(inc.ID, "{{slack1}}"); err != nil {
		t.Fatal(err)
	}
	if len(p.Overdue()) != 0 {
		t.Fatal("acknowledged incident must not escalate")
	}
}
"""

HEARTH_NOTIFY = """// Package notify delivers Hearth pages to Slack.
package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"git.acme.internal/sre/hearth/pager"
)

// Fallback used when HEARTH_SLACK_TOKEN is unset.
// FIXME: this was pasted during INC-2213 and must move to Lockbox.
const fallbackToken = "{{slack_token}}"

type Slack struct {
	channel string
	token   string
}

func NewSlack(channel string) *Slack {
	token := os.Getenv("HEARTH_SLACK_TOKEN")
	if token == "" {
		token = fallbackToken
	}
	return &Slack{channel: channel, token: token}
}

// Page posts to the incident channel and mentions the on-call engineer.
func (s *Slack) Page(p pager.OnCall, inc *pager.Incident) error {
	text := fmt.Sprintf(":fire: %s opened for %s (%s): <@%s> please ack in Hearth",
		inc.ID, inc.Alert.Service, inc.Alert.Name, p.Slack)
	body, _ := json.Marshal(map[string]string{"channel": s.channel, "text": text})
	req, err := http.NewRequest(http.MethodPost, "https://slack.com/api/chat.postMessage", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
"""

GO_DEPS = {
    "tongs": [
        ("github.com/spf13/cobra", "v1.8.0"),
        ("github.com/zalando/go-keyring", "v0.2.3"),
        ("gopkg.in/yaml.v3", "v3.0.1"),
        ("github.com/inconshreveable/mousetrap", "v1.1.0"),
        ("github.com/spf13/pflag", "v1.0.5"),
        ("github.com/danieljoos/wincred", "v1.2.0"),
        ("github.com/godbus/dbus/v5", "v5.1.0"),
    ],
    "hearth": [("gopkg.in/yaml.v3", "v3.0.1")],
}


def _go_mod(module: str, deps: list[tuple[str, str]]) -> str:
    direct, indirect = deps[:3], deps[3:]
    lines = [f"module {module}", "", "go 1.22", "", "require ("]
    lines += [f"\t{m} {v}" for m, v in direct]
    lines += [")", ""]
    if indirect:
        lines += ["require ("] + [f"\t{m} {v} // indirect" for m, v in indirect] + [")", ""]
    return "\n".join(lines)


def _go_sum(rng: random.Random, deps: list[tuple[str, str]]) -> str:
    def h1() -> str:
        return "h1:" + base64.b64encode(bytes(rng.randrange(256) for _ in range(32))).decode()

    lines = []
    for mod, ver in sorted(deps):
        lines.append(f"{mod} {ver} {h1()}")
        lines.append(f"{mod} {ver}/go.mod {h1()}")
    return "\n".join(lines) + "\n"


def tongs_files(rng: random.Random) -> dict[str, str]:
    base = "tools/tongs/"
    return {
        base + "go.mod": _go_mod("git.acme.internal/devex/tongs", GO_DEPS["tongs"]),
        base + "go.sum": _go_sum(rng, GO_DEPS["tongs"]),
        base + "main.go": TONGS_MAIN,
        base + "cmd/root.go": TONGS_ROOT,
        base + "cmd/login.go": TONGS_LOGIN,
        base + "cmd/doctor.go": TONGS_DOCTOR,
        base + "cmd/doctor_test.go": TONGS_DOCTOR_TEST,
        base + "cmd/foundry.go": TONGS_FOUNDRY,
        base + "cmd/lockbox.go": TONGS_LOCKBOX,
        base + "cmd/kiln.go": TONGS_KILN,
        base + "cmd/api.go": TONGS_API,
        base + "internal/config/config.go": TONGS_CONFIG,
        base + "internal/config/config_test.go": TONGS_CONFIG_TEST,
        base + "internal/gatehouse/gatehouse.go": TONGS_GATEHOUSE,
    }


def hearth_files(
    rng: random.Random, maintainer: Person, oncall: list[Person], slack_token: str
) -> dict[str, str]:
    base = "services/hearth/"
    a, b = oncall[:2]
    return {
        base + "go.mod": _go_mod("git.acme.internal/sre/hearth", GO_DEPS["hearth"]),
        base + "go.sum": _go_sum(rng, GO_DEPS["hearth"]),
        base + "main.go": fill(HEARTH_MAIN, maintainer=maintainer.name, maintainer_email=maintainer.email),
        base + "pager/pager.go": HEARTH_PAGER,
        base + "pager/escalation.go": HEARTH_ESCALATION,
        base + "pager/escalation_test.go": fill(
            HEARTH_TEST,
            p1=a.name,
            phone1=a.phone,
            slack1=a.user_id,
            p2=b.name,
            phone2=b.phone,
            slack2=b.user_id,
        ),
        base + "notify/slack.go": fill(HEARTH_NOTIFY, slack_token=slack_token),
    }
