// The contact form's keyboard help (progressive: the form works without it). When the
// setting changes, the child type-ahead is filled with that setting's register; Ctrl+Enter
// (or Cmd+Enter) in any box saves the contact.
const form = document.getElementById('contact-form')
if (form) {
  const setting = form.querySelector('#setting')
  const children = document.getElementById('child-names')
  let asked = setting ? setting.value : ''
  const fill = async () => {
    const value = setting.value.trim()
    if (!value || value === asked) return
    asked = value
    const url = form.dataset.registerUrl + '?setting=' + encodeURIComponent(value)
    const response = await fetch(url, { headers: { Accept: 'application/json' } })
    if (!response.ok) return
    const found = await response.json()
    children.replaceChildren(...found.children.map((name) => {
      const option = document.createElement('option')
      option.value = name
      return option
    }))
  }
  if (setting && children) {
    setting.addEventListener('change', fill)
    setting.addEventListener('blur', fill)
  }
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      form.requestSubmit()
    }
  })
}
