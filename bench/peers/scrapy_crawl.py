"""The crawl benchmark's Scrapy peer: every page of one site from a seed,
robots.txt obeyed, the same concurrency and per-host limit as asyncfetch.
Usage: scrapy_crawl.py SEED_URL CONCURRENCY PER_HOST"""
import sys
from urllib.parse import urlparse

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

seed, concurrency, per_host = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pages = 0


class Site(scrapy.Spider):
    name = "site"
    start_urls = [seed]
    allowed_domains = [urlparse(seed).hostname]
    links = LinkExtractor()

    def parse(self, response):
        global pages
        pages += 1
        for link in self.links.extract_links(response):
            yield response.follow(link.url, self.parse)


process = CrawlerProcess(settings={
    "CONCURRENT_REQUESTS": concurrency,
    "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
    "ROBOTSTXT_OBEY": True,
    "DEPTH_LIMIT": 0,
    "LOG_LEVEL": "ERROR",
    "TELNETCONSOLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "COOKIES_ENABLED": False,
})
process.crawl(Site)
process.start()
print(f"scrapy: {pages} pages", file=sys.stderr)
