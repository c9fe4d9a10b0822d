//! A limit on how fast secrets leave the vault through the window: a person reveals or
//! copies a few keys a minute; a script in the page that reads every key is stopped.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{Error, Result};

pub struct RateLimit {
    max: usize,
    window: Duration,
    recent: Mutex<VecDeque<Instant>>,
}

impl RateLimit {
    /// At most `max` uses within any `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimit {
            max,
            window,
            recent: Mutex::new(VecDeque::new()),
        }
    }

    /// The window's reveals and copies: 10 a minute.
    pub fn for_reveals() -> Self {
        RateLimit::new(10, Duration::from_secs(60))
    }

    /// Counts one use at `now`, or refuses it (and does not count it) with how long to wait.
    pub fn take(&self, now: Instant) -> Result<()> {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            recent.pop_front();
        }
        if recent.len() >= self.max {
            let oldest = *recent.front().expect("a full window has a first use");
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(Error::RateLimited {
                count: recent.len(),
                window_secs: self.window.as_secs(),
                wait_secs: wait.as_secs().max(1),
            });
        }
        recent.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_refused_until_the_window_moves_on() {
        let limit = RateLimit::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..3 {
            limit.take(start + Duration::from_secs(i)).unwrap();
        }
        let refused = limit.take(start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(refused.code(), crate::ErrorCode::RateLimited);
        assert!(
            refused.to_string().contains("try again in 50 s"),
            "{refused}"
        );
        assert!(limit.take(start + Duration::from_secs(59)).is_err());
        limit.take(start + Duration::from_secs(60)).unwrap();
    }
}
