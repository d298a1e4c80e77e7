# daemon/mdns/answer.mk: the answering rules (response scheduler) and their tests
