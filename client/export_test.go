package client

// RateLimitedForTest is rateLimited, for the package's external tests.
var RateLimitedForTest = rateLimited
