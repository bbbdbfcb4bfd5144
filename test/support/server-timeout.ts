// Setup file of the payload and rgw projects: their tests start real servers, which take longer
// while the other jest worker is busy; tests that need more set their own timeout.
jest.setTimeout(30_000);
